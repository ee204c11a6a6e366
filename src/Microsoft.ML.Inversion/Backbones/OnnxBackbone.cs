using Microsoft.ML.Inversion.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// A backbone imported from an ONNX file. Every node output is a layer, addressed by its ONNX name; the node's
/// name (e.g. <c>ReLU253</c> for <c>ReLU253_Output_0</c>) works too.
/// </summary>
public sealed class OnnxBackbone : Backbone
{
    private readonly (string Name, string Operator)[] _layers;
    private readonly Dictionary<string, string> _nodeNames;

    private OnnxBackbone(OnnxGraphModule graph, string name, ImagePreprocessing preprocessing, int height, int width,
        Device device, IReadOnlyDictionary<string, string>? aliases, double typicalPixelNorm)
        : base(name, preprocessing, height, width, device, aliases, typicalPixelNorm)
    {
        Graph = graph;
        _layers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n.Operator))).ToArray();
        _nodeNames = graph.Nodes.Where(n => n.Outputs.Count == 1)
            .GroupBy(n => n.Name, StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Outputs[0], StringComparer.Ordinal);
    }

    /// <summary>The imported graph.</summary>
    public OnnxGraphModule Graph { get; }

    /// <summary>
    /// Imports an ONNX image network. The input size is read from the file's input shape where it is fixed,
    /// else 224×224. The default preprocessing is TorchVision's ImageNet convention.
    /// </summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="preprocessing">How RGB images become this network's input; the backbone takes ownership.</param>
    /// <param name="device">Where to run (default CPU).</param>
    /// <param name="aliases">Readable names for layers (alias → node output name). A graph PyTorch's exporter wrote
    /// also gets each module's TorchVision path (e.g. <c>encoder.layers.encoder_layer_5</c>, <c>features.1.0</c>) for the
    /// output of the last node that module ran; the names given here take precedence.</param>
    /// <param name="typicalPixelNorm">Typical pixel colour norm in network input units (the papers' B); by default
    /// estimated from the preprocessing.</param>
    /// <param name="floatType">float32 by default; float64 for gradient checks.</param>
    /// <param name="foldBatchNormalization">Fold each BatchNormalization into the convolution before it (default; see
    /// <see cref="OnnxImportOptions.FoldBatchNormalization"/>); false runs the graph as written, for comparison.</param>
    public static OnnxBackbone Load(string path, ImagePreprocessing? preprocessing = null, Device? device = null,
        IReadOnlyDictionary<string, string>? aliases = null, double? typicalPixelNorm = null, ScalarType floatType = ScalarType.Float32,
        bool foldBatchNormalization = true)
    {
        device ??= CPU;
        var graph = OnnxGraphModule.Load(path, new OnnxImportOptions { Device = device, FloatType = floatType, FoldBatchNormalization = foldBatchNormalization });
        graph.eval();
        preprocessing ??= ImagePreprocessing.ImageNet();
        var (height, width) = InputSizeOf(graph.InputShape);
        var allAliases = ModuleAliases.Of(graph.Nodes);
        foreach (var (alias, target) in aliases ?? new Dictionary<string, string>())
            allAliases[alias] = target;
        var backbone = new OnnxBackbone(graph, Path.GetFileNameWithoutExtension(path), preprocessing, height, width, device, allAliases,
            typicalPixelNorm ?? EstimatePixelNorm(preprocessing));
        foreach (var (alias, target) in backbone.Aliases)
        {
            if (graph.HasValue(target))
                continue;
            backbone.Dispose();
            throw new ArgumentException($"Alias '{alias}' points to '{target}', which is not a node output of '{path}'.", nameof(aliases));
        }
        return backbone;
    }

    /// <summary>
    /// The input size an ONNX file declares (224×224 where it leaves the size open), read without importing the
    /// graph's weights.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxImportException">The file is not ONNX.</exception>
    public static (int Height, int Width) ReadInputSize(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"ONNX file '{path}' does not exist.", path);
        global::Onnx.ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = global::Onnx.ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"'{path}' is not an ONNX model: it does not parse as an ONNX protobuf ({e.Message}).", e);
        }
        var initializers = model.Graph?.Initializer.Select(i => i.Name).ToHashSet() ?? [];
        var input = model.Graph?.Input.FirstOrDefault(i => !initializers.Contains(i.Name));
        long[] dims = input?.Type?.TensorType?.Shape?.Dim.Select(d => d.DimValue > 0 ? d.DimValue : -1).ToArray() ?? [];
        return InputSizeOf(dims);
    }

    private static (int Height, int Width) InputSizeOf(IReadOnlyList<long> shape) =>
        shape is [_, _, > 0 and var h, > 0 and var w] ? ((int)h, (int)w) : (224, 224);

    /// <inheritdoc />
    protected override IReadOnlyList<(string Name, string Operator)> LayerNames => _layers;

    /// <inheritdoc />
    public override bool SupportsReluLeak => true;

    /// <summary>
    /// <see cref="ExecutionSettings.LayoutPerOperator"/>: a whole ResNet18 optimisation step is 8–26% faster than
    /// in the default layout from pool1 to pool5 (docs/benchmarks.md, 2026-12-02); the values are the same up to float rounding.
    /// </summary>
    public override ExecutionSettings OptimizationExecution => ExecutionSettings.LayoutPerOperator;

    /// <summary>Any floating-point type: the graph keeps a copy of its weights in each type asked for.</summary>
    public override bool SupportsComputeType(ScalarType type) => type is ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64;

    /// <inheritdoc />
    protected override string? ResolveExtra(string name) => _nodeNames.GetValueOrDefault(name);

    /// <inheritdoc />
    protected override Tensor[] ForwardCore(Tensor networkInput, IReadOnlyList<string> layers, ExecutionSettings execution)
    {
        int area = execution.ChannelsLast ? execution.ChannelsLastMinimumArea : 0;
        var settings = execution.ReluLeak == 0 && area == 0 && execution.ComputeType is null
            ? OnnxExecutionSettings.Default
            : new OnnxExecutionSettings { ReluLeak = execution.ReluLeak, ChannelsLastMinimumArea = area, ComputeType = execution.ComputeType };
        return Graph.Evaluate(networkInput, layers, settings);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Graph.Dispose();
        base.Dispose(disposing);
    }

    // Half the distance between a white and a black pixel in network units: natural photographs' pixels sit at
    // roughly that norm from the mean (ResNet18's 0-255 input: 220 by this rule, 124 measured, so it passes 120).
    private static double EstimatePixelNorm(ImagePreprocessing preprocessing)
    {
        using var scope = NewDisposeScope();
        using var white = full(1, 3, 1, 1, 255f);
        using var black = zeros(1, 3, 1, 1);
        var span = preprocessing.ToNetworkInput(white) - preprocessing.ToNetworkInput(black);
        return span.norm().item<float>() / 2;
    }
}
