using Onnx;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>One node of an imported ONNX graph, with typed access to its attributes.</summary>
internal sealed class OnnxNode
{
    private readonly Dictionary<string, AttributeProto> _attributes;

    private OnnxNode(OnnxNode node, string[] inputs, string[] outputs)
    {
        SourcePath = node.SourcePath;
        OpType = node.OpType;
        Name = node.Name;
        Opset = node.Opset;
        Inputs = inputs;
        Outputs = outputs;
        _attributes = node._attributes;
    }

    public OnnxNode(NodeProto proto, int index, long opset, string sourcePath)
    {
        SourcePath = sourcePath;
        OpType = proto.OpType;
        Name = string.IsNullOrEmpty(proto.Name) ? $"{proto.OpType}_{index}" : proto.Name;
        Inputs = proto.Input.ToArray();
        Outputs = proto.Output.ToArray();
        Opset = opset;
        _attributes = new Dictionary<string, AttributeProto>(StringComparer.Ordinal);
        foreach (AttributeProto attribute in proto.Attribute)
            if (!_attributes.TryAdd(attribute.Name, attribute))
                throw Error($"attribute '{attribute.Name}' is given twice.");
    }

    public string OpType { get; }

    public string Name { get; }

    /// <summary>The file the node was read from, named in every error.</summary>
    public string SourcePath { get; }

    public string[] Inputs { get; }

    public string[] Outputs { get; }

    /// <summary>The default-domain opset the model was exported with; operators change semantics across opsets.</summary>
    public long Opset { get; }

    /// <summary>This node, reading and writing other values (a rewrite of the graph, e.g. a folded normalisation).</summary>
    public OnnxNode With(string[] inputs, string[] outputs) => new(this, inputs, outputs);

    /// <summary>
    /// A node the importer writes itself (a fusion of nodes of <paramref name="source"/>'s file): an ONNX operator, or an
    /// internal one such as MatMul+Add, with the given attributes (long, float or string values).
    /// </summary>
    public static OnnxNode Synthetic(OnnxNode source, string opType, string name, string[] inputs, string output, params (string Name, object Value)[] attributes)
    {
        var proto = new NodeProto { OpType = opType, Name = name };
        proto.Input.AddRange(inputs);
        proto.Output.Add(output);
        foreach (var (attributeName, value) in attributes)
        {
            proto.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = attributeName, Type = AttributeProto.Types.AttributeType.Int, I = i },
                float f => new AttributeProto { Name = attributeName, Type = AttributeProto.Types.AttributeType.Float, F = f },
                string text => new AttributeProto { Name = attributeName, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(text) },
                _ => throw new ArgumentException($"attribute '{attributeName}': {value.GetType().Name} is not a long, float or string.", nameof(attributes)),
            });
        }
        return new OnnxNode(proto, 0, source.Opset, source.SourcePath);
    }

    public bool HasAttribute(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? a.I : fallback;

    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out var a) ? a.F : fallback;

    public string String(string name, string fallback) => _attributes.TryGetValue(name, out var a) ? a.S.ToStringUtf8() : fallback;

    public long[]? Ints(string name) => _attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;

    public float[]? Floats(string name) => _attributes.TryGetValue(name, out var a) ? a.Floats.ToArray() : null;

    public TensorProto? TensorAttribute(string name) => _attributes.TryGetValue(name, out var a) ? a.T : null;

    /// <summary>An error that names this node and its operator.</summary>
    public OnnxImportException Error(string what) => new($"ONNX node '{Name}' ({OpType}) in '{SourcePath}': {what}");

    /// <summary>A tensor attribute read as a tensor; a malformed one is an error naming this node.</summary>
    public TorchSharp.torch.Tensor? TensorValue(string name, TorchSharp.torch.ScalarType floatType)
    {
        if (TensorAttribute(name) is not { } proto)
            return null;
        try
        {
            return OnnxTensorConverter.ToTensor(proto, floatType);
        }
        catch (OnnxImportException e)
        {
            throw Error($"attribute '{name}': {e.Message}");
        }
    }
}
