using Google.Protobuf;
using Onnx;

namespace Microsoft.ML.Inversion.Tests;

/// <summary>Writes small ONNX graphs for tests, with OnnxSharp's protobuf types.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "test-graph" };
    private readonly Random _random;
    private int _counter;

    public OnnxGraphBuilder(string inputName, long[] inputShape, int seed = 1)
    {
        _random = new Random(seed);
        _graph.Input.Add(ValueInfo(inputName, inputShape));
    }

    /// <summary>The graph being built, for tests that tamper with it (reorder nodes, rewire inputs).</summary>
    public GraphProto Graph => _graph;

    /// <summary>The node that produces <paramref name="output"/>.</summary>
    public NodeProto Producer(string output) => _graph.Node.Single(n => n.Output.Contains(output));

    /// <summary>Adds an initializer exactly as given (possibly malformed) and returns its name.</summary>
    public string Initializer(TensorProto proto)
    {
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>A value-info entry; a negative or zero size leaves that dimension open.</summary>
    public static ValueInfoProto ValueInfo(string name, long[]? shape = null, int elemType = 1)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = elemType };
        if (shape is not null)
        {
            tensorType.Shape = new TensorShapeProto();
            foreach (long d in shape)
                tensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    /// <summary>A float initializer with values drawn uniformly from [-scale, scale] (plus offset).</summary>
    public string Weight(long[] shape, double scale = 0.5, double offset = 0)
    {
        string name = $"w{_counter++}";
        var proto = new TensorProto { Name = name, DataType = 1 };
        proto.Dims.AddRange(shape);
        long count = shape.Aggregate(1L, (p, d) => p * d);
        for (long i = 0; i < count; i++)
            proto.FloatData.Add((float)(offset + scale * (2 * _random.NextDouble() - 1)));
        _graph.Initializer.Add(proto);
        return name;
    }

    public string Int64s(params long[] values)
    {
        string name = $"i{_counter++}";
        var proto = new TensorProto { Name = name, DataType = 7 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a node; attributes are given as name/value pairs (long, float, string, long[]).</summary>
    public string[] Node(string opType, string[] inputs, int outputs = 1, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_counter++}" };
        node.Input.AddRange(inputs);
        string[] names = Enumerable.Range(0, outputs).Select(i => $"{node.Name}_out{i}").ToArray();
        node.Output.AddRange(names);
        foreach (var (name, value) in attributes)
        {
            var a = new AttributeProto { Name = name };
            switch (value)
            {
                case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
                case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
                case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
                case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
                case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
                case TensorProto t: a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = t; break;
                default: throw new ArgumentException($"attribute type {value.GetType()}");
            }
            node.Attribute.Add(a);
        }
        _graph.Node.Add(node);
        return names;
    }

    public string Op(string opType, string[] inputs, params (string Name, object Value)[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    public void Output(string name) => _graph.Output.Add(ValueInfo(name));

    /// <summary>Writes the model; a null opset writes no opset_import at all.</summary>
    public string Save(string path, long? opset)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "Inversion.ML tests", Graph = _graph };
        if (opset is { } version)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = version });
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
