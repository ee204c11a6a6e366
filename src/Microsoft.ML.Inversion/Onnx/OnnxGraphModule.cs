using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.Inversion.Onnx.Fusions;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>
/// An ONNX graph imported as a TorchSharp module. It runs the graph with TorchSharp operators, so it is
/// differentiable with respect to its input and runs on any device TorchSharp supports. It can stop at any
/// node output: only the nodes that output depends on are computed.
/// </summary>
/// <remarks>
/// Weights become buffers of the module (frozen; no gradients). The module owns them: dispose it when done.
/// </remarks>
public sealed class OnnxGraphModule : nn.Module<Tensor, Tensor>
{
    private readonly OnnxNode[] _nodes;
    private readonly Dictionary<string, int> _producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constantBuffers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExecutionPlan> _plans = new(StringComparer.Ordinal);
    private readonly NodeFusion[] _fusions = [];
    private readonly ConcurrentDictionary<ScalarType, Lazy<Dictionary<string, Tensor>>> _castConstants = new();

    private OnnxGraphModule(string sourcePath, ModelProto model, OnnxImportOptions options)
        : base(Path.GetFileNameWithoutExtension(sourcePath))
    {
        SourcePath = sourcePath;
        FloatType = options.FloatType;
        GraphProto graph = model.Graph;
        Opset = OnnxGraphValidator.DefaultOpset(model, sourcePath);

        // Everything structural is checked before any weight is read.
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorProto initializer in graph.Initializer)
            OnnxGraphValidator.Define(initializers, initializer.Name, sourcePath, "an initializer");
        // Older exporters list weights among the graph inputs too; an input with an initializer is a constant.
        string[] realInputs = graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n)).ToArray();
        if (realInputs.Length != 1)
            throw new OnnxImportException($"ONNX file '{sourcePath}' has {realInputs.Length} inputs that are not initializers ({string.Join(", ", realInputs)}); an image backbone needs exactly one.");
        InputName = realInputs[0];
        var dims = graph.Input.First(i => i.Name == InputName).Type?.TensorType?.Shape?.Dim;
        InputShape = dims?.Select(d => d.DimValue > 0 ? d.DimValue : -1).ToArray() ?? [];
        OutputNames = graph.Output.Select(o => o.Name).ToArray();

        var available = new HashSet<string>(initializers, StringComparer.Ordinal);
        OnnxGraphValidator.Define(available, InputName, sourcePath, "the graph input");
        var (constantNodes, nodes) = ReadNodes(graph, available);
        _nodes = OnnxGraphValidator.Order(nodes, available, sourcePath);
        for (int i = 0; i < _nodes.Length; i++)
            foreach (string output in _nodes[i].Outputs.Where(o => o.Length > 0))
                _producer[output] = i;
        foreach (string output in OutputNames)
            if (!_producer.ContainsKey(output) && output != InputName)
                throw new OnnxImportException($"ONNX file '{sourcePath}': graph output '{output}' is produced by no node.");

        try
        {
            var constants = ReadConstants(graph, constantNodes, options);
            OnnxGraphValidator.CheckConstantArguments(_nodes, constants);
            var index = new GraphIndex(_nodes, constants, OutputNames.ToHashSet(StringComparer.Ordinal));
            var fusions = new List<NodeFusion>();
            if (options.FoldBatchNormalization)
                fusions.AddRange(BatchNormFolding.Find(index, (name, value) => AddConstant(constants, name, value, options)));
            if (options.FuseOperators)
            {
                fusions.AddRange(LayerNormalizationFusion.Find(index));
                fusions.AddRange(GeluFusion.Find(index));
                fusions.AddRange(MatMulBiasFusion.Find(index));
                fusions.AddRange(SwishFusion.Find(index));
            }
            _fusions = fusions.ToArray();
            CheckRunsOnDeclaredInput(options);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// The most elements a tensor that Reshape, Expand, Pad or ConstantOfShape asks for may have: 2^31 (8 GiB of
    /// float32). A larger request, usually a corrupt shape, is an <see cref="OnnxImportException"/> naming the
    /// node and the file, raised before anything is allocated.
    /// </summary>
    public const long MaxTensorElements = 1L << 31;

    private (List<OnnxNode> Constants, List<OnnxNode> Others) ReadNodes(GraphProto graph, ISet<string> available)
    {
        var constants = new List<OnnxNode>();
        var others = new List<OnnxNode>();
        for (int i = 0; i < graph.Node.Count; i++)
        {
            NodeProto proto = graph.Node[i];
            var node = new OnnxNode(proto, i, Opset, SourcePath);
            if (proto.Domain is not ("" or "ai.onnx"))
                throw Unsupported(node, $"domain '{proto.Domain}'");
            if (node.OpType == "Constant")
            {
                if (node.Outputs.Length != 1 || node.Outputs[0].Length == 0)
                    throw node.Error($"a Constant has exactly one output; this one has {node.Outputs.Length}.");
                OnnxGraphValidator.Define(available, node.Outputs[0], SourcePath, $"node '{node.Name}'");
                constants.Add(node);
            }
            else if (!OnnxOperators.Implementations.ContainsKey(node.OpType))
                throw Unsupported(node, "operator");
            else
                others.Add(node);
        }
        return (constants, others);
    }

    /// <summary>Converts the initializers and Constant nodes into buffers of the module, on the target device.</summary>
    private Dictionary<string, Tensor> ReadConstants(GraphProto graph, IEnumerable<OnnxNode> constantNodes, OnnxImportOptions options)
    {
        var constants = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (TensorProto initializer in graph.Initializer)
            AddConstant(constants, initializer.Name, Convert(initializer, options.FloatType), options);
        foreach (OnnxNode node in constantNodes)
            AddConstant(constants, node.Outputs[0], ConstantValue(node, options.FloatType), options);
        return constants;
    }

    /// <summary>Makes <paramref name="value"/> a buffer of the module on the target device, readable as <paramref name="valueName"/>.</summary>
    private string AddConstant(Dictionary<string, Tensor> constants, string valueName, Tensor value, OnnxImportOptions options)
    {
        string bufferName = $"c{constants.Count}_{Sanitize(valueName)}";
        // Weights belong to the module, never to whatever dispose scope the caller happens to be in.
        Tensor placed = value.to(options.Device ?? CPU).DetachFromDisposeScope();
        if (!ReferenceEquals(placed, value))
            value.Dispose();
        register_buffer(bufferName, placed, persistent: true);
        _constantBuffers[valueName] = bufferName;
        constants[valueName] = placed;
        return valueName;
    }

    /// <summary>
    /// Runs the whole graph once on zeros of its declared input shape (batch 1 where the batch is left open), so
    /// that a graph whose shapes do not fit together fails at load with its own message. Skipped when the file
    /// leaves a channel or spatial dimension open: every size the graph accepts is then as valid as another.
    /// </summary>
    private void CheckRunsOnDeclaredInput(OnnxImportOptions options)
    {
        if (InputShape.Count == 0 || InputShape.Skip(1).Any(d => d <= 0))
            return;
        long[] shape = InputShape.Select((d, i) => i == 0 && d <= 0 ? 1 : d).ToArray();
        if (shape.Aggregate(1.0, (p, d) => p * d) > MaxTensorElements)
            throw new OnnxImportException($"ONNX file '{SourcePath}' declares input '{InputName}' of shape [{string.Join(", ", shape)}], more than {MaxTensorElements} elements, the importer's limit.");
        var read = new HashSet<string>(_nodes.SelectMany(n => n.Inputs), StringComparer.Ordinal);
        string[] unread = _producer.Keys.Where(v => !read.Contains(v)).ToArray();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var input = zeros(shape, options.FloatType, options.Device ?? CPU);
        try
        {
            Evaluate(input, unread);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new OnnxImportException($"ONNX file '{SourcePath}' does not run on its own declared input shape [{string.Join(", ", shape)}]: {e.Message}", e);
        }
    }

    /// <summary>The file the module was imported from.</summary>
    public string SourcePath { get; }

    /// <summary>The floating-point type the weights were imported in (<see cref="OnnxImportOptions.FloatType"/>).</summary>
    public ScalarType FloatType { get; }

    /// <summary>The default-domain opset the file was exported with.</summary>
    public long Opset { get; }

    /// <summary>The name of the graph's one data input (the image).</summary>
    public string InputName { get; }

    /// <summary>The declared shape of the data input; -1 marks a dimension the file leaves open.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The names of the graph's outputs.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Every node in execution order: its name, operator and output names.</summary>
    public IReadOnlyList<(string Name, string Operator, IReadOnlyList<string> Outputs)> Nodes =>
        _nodes.Select(n => (n.Name, n.OpType, (IReadOnlyList<string>)n.Outputs.Where(o => o.Length > 0).ToArray())).ToArray();

    /// <summary>Whether <paramref name="valueName"/> is the output of some node.</summary>
    public bool HasValue(string valueName) => _producer.ContainsKey(valueName);

    /// <summary>Reads and imports an ONNX file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <remarks>Weights the file keeps as external data (models above 2 GiB) are read from the files it names in its
    /// own folder.</remarks>
    /// <exception cref="OnnxImportException">The file is not ONNX, is truncated or malformed, names external data that
    /// is missing or outside its folder, does not run on its own declared input shape, or uses something the importer
    /// cannot run (see docs/design.md for the full list).</exception>
    public static OnnxGraphModule Load(string path, OnnxImportOptions? options = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"ONNX file '{path}' does not exist.", path);
        Engine.MathKernelDispatch.Apply();
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"'{path}' is not an ONNX model: it does not parse as an ONNX protobuf ({e.Message}).", e);
        }
        if (model.IrVersion <= 0 || model.Graph is null || model.Graph.Node.Count == 0)
            throw new OnnxImportException($"'{path}' is not an ONNX model: it has no IR version or no graph nodes.");
        OnnxExternalData.Inline(model, path);
        return new OnnxGraphModule(path, model, options ?? new OnnxImportOptions());
    }

    /// <summary>The names of the graph nodes <paramref name="valueName"/> depends on, in execution order (fused nodes among them, though they run as one; see <see cref="Fusions"/>).</summary>
    public IReadOnlyList<string> NodesNeededFor(string valueName) =>
        Needed([valueName]).Select(i => _nodes[i].Name).ToArray();

    /// <summary>How many BatchNormalization nodes were folded into the convolution before them at import.</summary>
    public int FoldedNormalizations => _fusions.Count(f => f.Kind == BatchNormFolding.Kind);

    /// <summary>
    /// How many node groups the import fuses, by kind: "BatchNormalization into Conv", "LayerNormalization" (the
    /// decomposed form exporters write before opset 17), "Gelu" (the Erf form), "MatMul+Add" (a Linear layer on
    /// inputs of rank 3 or more), "Silu" (x · sigmoid(x)) and "HardSwish" (x · HardSigmoid(x)). A fused group computes what its nodes compute; an execution plan that asks for one
    /// of the group's intermediate values runs the group as written.
    /// </summary>
    public IReadOnlyDictionary<string, int> Fusions =>
        _fusions.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Runs the whole graph and returns its first output.</summary>
    public override Tensor forward(Tensor input) => Evaluate(input, OutputNames[0]);

    /// <summary>Runs the graph up to <paramref name="valueName"/> (a node output) and returns that value.</summary>
    public Tensor Evaluate(Tensor input, string valueName) => Evaluate(input, [valueName])[0];

    /// <summary>
    /// Runs only the nodes the requested values depend on and returns those values in order. Intermediate
    /// results are released as soon as no later node needs them.
    /// </summary>
    /// <param name="input">The graph's data input.</param>
    /// <param name="valueNames">Node outputs to return.</param>
    /// <param name="settings">How this call runs (e.g. leaky ReLUs for activation maximisation); default the graph as exported.</param>
    public Tensor[] Evaluate(Tensor input, IReadOnlyList<string> valueNames, OnnxExecutionSettings? settings = null)
    {
        settings ??= OnnxExecutionSettings.Default;
        ExecutionPlan plan = _plans.GetOrAdd(string.Join("\n", valueNames), _ => Plan(valueNames));
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [InputName] = input };
        foreach (var (valueName, constant) in ConstantsFor(settings.ComputeType ?? FloatType))
            values[valueName] = constant;

        for (int step = 0; step < plan.Steps.Length; step++)
        {
            OnnxNode node = plan.Steps[step];
            var inputs = new Tensor?[node.Inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                string name = node.Inputs[i];
                if (name.Length == 0)
                    continue;
                if (!values.TryGetValue(name, out inputs[i]))
                    throw new InvalidOperationException($"ONNX node '{node.Name}' ({node.OpType}) in '{SourcePath}' reads '{name}', which nothing produced.");
            }
            Tensor[] outputs;
            try
            {
                outputs = OnnxOperators.For(node.OpType, settings)(node, inputs);
            }
            catch (OnnxImportException)
            {
                throw;
            }
            catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or ArithmeticException)
            {
                string shapes = string.Join(", ", inputs.Select(t => t is null ? "-" : "[" + string.Join(",", t.shape) + "]"));
                throw new InvalidOperationException($"ONNX node '{node.Name}' ({node.OpType}) in '{SourcePath}' failed on inputs {shapes}: {e.Message}", e);
            }
            for (int o = 0; o < node.Outputs.Length && o < outputs.Length; o++)
            {
                if (node.Outputs[o].Length == 0)
                    continue;
                Tensor output = outputs[o];
                if (inputs.Any(t => ReferenceEquals(t, output)))
                    output = output.alias();
                values[node.Outputs[o]] = output;
            }
            foreach (string released in plan.ReleaseAfter[step])
                if (values.Remove(released, out Tensor? value))
                    value.Dispose();
        }
        return valueNames.Select(n => values.TryGetValue(n, out var v) ? v : throw new ArgumentException($"'{n}' is not a value of '{SourcePath}'.")).ToArray();
    }

    /// <summary>
    /// The constants by value name in <paramref name="type"/>: the module's buffers for the import type, else copies
    /// of the floating-point ones in that type (integer constants such as shapes are shared), made on first use and
    /// then read without touching the buffers.
    /// </summary>
    private IEnumerable<KeyValuePair<string, Tensor>> ConstantsFor(ScalarType type)
    {
        if (type != FloatType)
            return _castConstants.GetOrAdd(type, t => new Lazy<Dictionary<string, Tensor>>(() => CastConstants(t))).Value;
        var buffers = named_buffers().ToDictionary(b => b.name, b => b.buffer, StringComparer.Ordinal);
        return _constantBuffers.Select(c => KeyValuePair.Create(c.Key, buffers[c.Value]));
    }

    private Dictionary<string, Tensor> CastConstants(ScalarType type)
    {
        using var noGrad = no_grad();
        return ConstantsFor(FloatType).ToDictionary(c => c.Key,
            c => c.Value.is_floating_point() ? c.Value.to_type(type).DetachFromDisposeScope() : c.Value, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            var buffers = named_buffers().Select(b => b.buffer).ToHashSet(ReferenceEqualityComparer.Instance);
            foreach (var copies in _castConstants.Values.Where(l => l.IsValueCreated))
                foreach (Tensor copy in copies.Value.Values.Where(c => !buffers.Contains(c)))
                    copy.Dispose();
            _castConstants.Clear();
        }
        base.Dispose(disposing);
    }

    /// <summary>The nodes the values depend on, in execution order.</summary>
    private SortedSet<int> Needed(IReadOnlyList<string> valueNames)
    {
        var needed = new SortedSet<int>();
        var pending = new Stack<string>();
        foreach (string name in valueNames)
        {
            if (!_producer.ContainsKey(name) && name != InputName)
                throw new ArgumentException($"'{name}' is not the output of any node in '{SourcePath}'.", nameof(valueNames));
            pending.Push(name);
        }
        while (pending.Count > 0)
        {
            if (!_producer.TryGetValue(pending.Pop(), out int index) || !needed.Add(index))
                continue;
            foreach (string input in _nodes[index].Inputs.Where(i => i.Length > 0))
                pending.Push(input);
        }
        return needed;
    }

    private ExecutionPlan Plan(IReadOnlyList<string> valueNames)
    {
        SortedSet<int> needed = Needed(valueNames);
        var keep = new HashSet<string>(valueNames, StringComparer.Ordinal);

        // A fusion runs as its fused node, in its last member's place, unless one of its internal values is asked for.
        var skipped = new HashSet<int>();
        var fusedAt = new Dictionary<int, OnnxNode>();
        foreach (NodeFusion fusion in _fusions)
        {
            if (!fusion.Members.All(needed.Contains)
                || fusion.Members.SkipLast(1).Any(m => _nodes[m].Outputs.Any(keep.Contains)))
                continue;
            skipped.UnionWith(fusion.Members.SkipLast(1));
            fusedAt[fusion.Anchor] = fusion.Fused;
        }
        var steps = new List<OnnxNode>();
        foreach (int index in needed)
            if (!skipped.Contains(index))
                steps.Add(fusedAt.TryGetValue(index, out OnnxNode? fused) ? fused : _nodes[index]);

        // Each intermediate value is released after the last step of the plan that reads it.
        var produced = new HashSet<string>(steps.SelectMany(n => n.Outputs).Where(o => o.Length > 0), StringComparer.Ordinal);
        var lastReader = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int step = 0; step < steps.Count; step++)
            foreach (string input in steps[step].Inputs)
                if (produced.Contains(input))
                    lastReader[input] = step;
        var release = steps.Select(_ => new List<string>()).ToArray();
        foreach (var (value, reader) in lastReader)
            if (!keep.Contains(value))
                release[reader].Add(value);
        // Outputs nobody reads (e.g. a second output of Split) are released right away.
        for (int step = 0; step < steps.Count; step++)
            foreach (string output in steps[step].Outputs)
                if (output.Length > 0 && !lastReader.ContainsKey(output) && !keep.Contains(output))
                    release[step].Add(output);
        return new ExecutionPlan(steps.ToArray(), release);
    }

    private OnnxImportException Unsupported(OnnxNode node, string what) =>
        new($"ONNX file '{SourcePath}': node '{node.Name}' uses the unsupported {what} '{node.OpType}'. Supported operators: {string.Join(", ", OnnxOperators.Supported)}.");

    private Tensor Convert(TensorProto proto, ScalarType floatType)
    {
        try
        {
            return OnnxTensorConverter.ToTensor(proto, floatType);
        }
        catch (OnnxImportException e)
        {
            throw new OnnxImportException($"ONNX file '{SourcePath}': {e.Message}", e);
        }
    }

    private Tensor ConstantValue(OnnxNode node, ScalarType floatType)
    {
        if (node.TensorValue("value", floatType) is { } value)
            return value;
        if (node.Floats("value_floats") is { } floats)
            return tensor(floats).to_type(floatType);
        if (node.Ints("value_ints") is { } ints)
            return tensor(ints);
        if (node.HasAttribute("value_float"))
            return tensor(node.Float("value_float", 0)).to_type(floatType);
        if (node.HasAttribute("value_int"))
            return tensor(node.Int("value_int", 0));
        throw node.Error("only value, value_float(s) and value_int(s) constants are supported.");
    }

    private static string Sanitize(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray());

    private sealed record ExecutionPlan(OnnxNode[] Steps, List<string>[] ReleaseAfter);
}
