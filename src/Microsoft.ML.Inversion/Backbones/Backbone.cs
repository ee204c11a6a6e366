using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// A frozen network whose layers can be inverted: it maps network input (see <see cref="Preprocessing"/>) to the
/// output of any named layer, computing nothing after that layer. Weights are frozen, the network is in eval
/// mode and lives on <see cref="Device"/>.
/// </summary>
/// <remarks>The backbone owns its network and preprocessing; dispose it when done.</remarks>
public abstract class Backbone : IDisposable
{
    private readonly Dictionary<string, string> _aliases;
    private readonly ConcurrentDictionary<(long, long), IReadOnlyList<BackboneLayer>> _layerTables = new();
    private readonly ConcurrentDictionary<(string, long, long), long[]> _outputShapes = new();

    /// <summary>Initialises the common parts of a backbone.</summary>
    /// <param name="name">A display name (e.g. <c>ResNet18</c>).</param>
    /// <param name="preprocessing">How RGB images become network input; the backbone takes ownership.</param>
    /// <param name="inputHeight">The input height the network was trained at.</param>
    /// <param name="inputWidth">The input width the network was trained at.</param>
    /// <param name="device">Where the network runs.</param>
    /// <param name="aliases">Readable names mapped to canonical layer names.</param>
    /// <param name="typicalPixelNorm">The typical colour norm of one pixel of a natural image in network input units.</param>
    protected Backbone(string name, ImagePreprocessing preprocessing, int inputHeight, int inputWidth, Device device,
        IReadOnlyDictionary<string, string>? aliases, double typicalPixelNorm)
    {
        Engine.MathKernelDispatch.Apply();
        Name = name;
        Preprocessing = preprocessing;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        Device = device;
        TypicalPixelNorm = typicalPixelNorm;
        _aliases = new Dictionary<string, string>(aliases ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The backbone's display name.</summary>
    public string Name { get; }

    /// <summary>The contract between RGB 0–255 images and the network input.</summary>
    public ImagePreprocessing Preprocessing { get; }

    /// <summary>The input height the network was trained at (its default input size).</summary>
    public int InputHeight { get; }

    /// <summary>The input width the network was trained at.</summary>
    public int InputWidth { get; }

    /// <summary>The device the network lives on.</summary>
    public Device Device { get; }

    /// <summary>
    /// The typical colour norm of one pixel of a natural image in network input units: the papers' scale B
    /// (80 in the IJCV setup; about 120 for ML.NET's ResNet18 with its 0–255 BGR mean-image input).
    /// </summary>
    public double TypicalPixelNorm { get; }

    /// <summary>Readable layer names and the canonical names they stand for.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    /// <summary>The canonical names of every addressable layer, in execution order, with their operator.</summary>
    protected abstract IReadOnlyList<(string Name, string Operator)> LayerNames { get; }

    /// <summary>Runs the network on network input up to the given canonical layers and returns their outputs.</summary>
    /// <param name="networkInput">Network input [N, 3, H, W], already laid out as <paramref name="execution"/> asks.</param>
    /// <param name="layers">Canonical layer names.</param>
    /// <param name="execution">This call's settings; <see cref="ExecutionSettings.ReluLeak"/> is non-zero only where
    /// <see cref="SupportsReluLeak"/> is true.</param>
    protected abstract Tensor[] ForwardCore(Tensor networkInput, IReadOnlyList<string> layers, ExecutionSettings execution);

    /// <summary>Other names a subclass accepts for a layer (e.g. ONNX node names); null when none.</summary>
    protected virtual string? ResolveExtra(string name) => null;

    /// <summary>
    /// The canonical name of a layer given its canonical name, an alias (case-insensitive) or another name the
    /// backbone accepts.
    /// </summary>
    /// <exception cref="UnknownLayerException">No such layer; the message lists close matches.</exception>
    public string ResolveLayer(string nameOrAlias)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrAlias);
        if (LayerNames.Any(l => l.Name == nameOrAlias))
            return nameOrAlias;
        if (_aliases.TryGetValue(nameOrAlias, out string? canonical))
            return canonical;
        if (ResolveExtra(nameOrAlias) is { } extra)
            return extra;
        var known = _aliases.Keys.Concat(LayerNames.Select(l => l.Name));
        throw new UnknownLayerException(nameOrAlias, Name, LayerNameMatcher.Closest(nameOrAlias, known));
    }

    /// <summary>
    /// Every layer with its operator and output shape for one image of the given size (default: the
    /// training size). Runs the network once per size; the table is cached.
    /// </summary>
    public IReadOnlyList<BackboneLayer> DescribeLayers(int? height = null, int? width = null)
    {
        long h = height ?? InputHeight, w = width ?? InputWidth;
        return _layerTables.GetOrAdd((h, w), size =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            using var input = zeros(1, 3, size.Item1, size.Item2, device: Device);
            var names = LayerNames;
            Tensor[] outputs = ForwardCore(input, names.Select(n => n.Name).ToArray(), ExecutionSettings.Default);
            var aliasesOf = _aliases.GroupBy(a => a.Value).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(a => a.Key).ToArray());
            return names.Select((n, i) => new BackboneLayer(n.Name, n.Operator, PerImageShape(outputs[i]),
                aliasesOf.TryGetValue(n.Name, out var a) ? a : [])
            { ConvolutionCount = ConvolutionCount(n.Name) }).ToArray();
        });
    }

    /// <summary>
    /// The description of one layer (by any accepted name) at the given input size. Only the network up to the
    /// layer runs, so sizes too small for later layers still work.
    /// </summary>
    /// <exception cref="ArgumentException">The input is too small to reach the layer.</exception>
    public BackboneLayer DescribeLayer(string nameOrAlias, int? height = null, int? width = null)
    {
        string canonical = ResolveLayer(nameOrAlias);
        long h = height ?? InputHeight, w = width ?? InputWidth;
        long[] shape = _outputShapes.GetOrAdd((canonical, h, w), key =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            using var input = zeros(1, 3, key.Item2, key.Item3, device: Device);
            try
            {
                return PerImageShape(ForwardCore(input, [key.Item1], ExecutionSettings.Default)[0]);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or System.Runtime.InteropServices.ExternalException)
            {
                throw new ArgumentException($"Images of {key.Item2}×{key.Item3} pixels are too small for backbone '{Name}' up to layer '{nameOrAlias}': {e.Message}", e);
            }
        });
        string operatorName = LayerNames.First(l => l.Name == canonical).Operator;
        return new BackboneLayer(canonical, operatorName, shape, _aliases.Where(a => a.Value == canonical).Select(a => a.Key).ToArray())
        {
            ConvolutionCount = ConvolutionCount(canonical),
        };
    }

    // The convolutions (Conv, ConvTranspose, TorchSharp's Conv2d …) listed in execution order up to the layer's output.
    private int ConvolutionCount(string canonical) =>
        LayerNames.Take(OutputPosition(canonical) + 1).Count(l => l.Operator.StartsWith("Conv", StringComparison.Ordinal)
            && !l.Operator.StartsWith("ConvInteger", StringComparison.Ordinal));

    /// <summary>
    /// The index in <see cref="LayerNames"/> after which the canonical layer's output exists: its own entry, or, where the
    /// list nests (a module before its children), the last entry inside it.
    /// </summary>
    protected virtual int OutputPosition(string canonical) => LayerNames.Select(l => l.Name).ToList().IndexOf(canonical);

    // A value's shape for one image: without its batch dimension; a graph's scalars (shape arithmetic) have none.
    private static long[] PerImageShape(Tensor value) => value.dim() == 0 ? [] : value.shape[1..];

    /// <summary>
    /// The output of <paramref name="layer"/> for network input [N, 3, H, W]; nothing after that layer is
    /// computed. Differentiable with respect to the input.
    /// </summary>
    /// <param name="networkInput">Network input [N, 3, H, W].</param>
    /// <param name="layer">A layer name or alias.</param>
    /// <param name="execution">How this call runs; default the network as trained.</param>
    public Tensor Forward(Tensor networkInput, string layer, ExecutionSettings? execution = null) => Forward(networkInput, [layer], execution)[0];

    /// <summary>
    /// How an optimisation runs this backbone unless told otherwise (<c>InversionOptions.Execution</c>): the layout
    /// measured fastest for it. <see cref="ExecutionSettings.Default"/> here; an imported ONNX graph uses
    /// <see cref="ExecutionSettings.LayoutPerOperator"/>.
    /// </summary>
    public virtual ExecutionSettings OptimizationExecution => ExecutionSettings.Default;

    /// <summary>
    /// <see cref="OptimizationExecution"/> with every step in float32, whatever the preset asks (a preset's reduced
    /// precision applies only where the caller named no type), so that results are the same on every machine.
    /// </summary>
    public ExecutionSettings Float32OptimizationExecution => OptimizationExecution with { ComputeType = ScalarType.Float32 };

    /// <summary>
    /// Estimates of the original photograph's texture from a layer's target, keyed by layer name or alias
    /// (<see cref="Regularizers.TextureEstimate"/>): the built-in ResNet18 carries them for its deep layers; other
    /// backbones none, and presets then guide TV by Φ0's variation alone.
    /// </summary>
    public IReadOnlyDictionary<string, Regularizers.TextureEstimate> TextureEstimates { get; internal set; } = new Dictionary<string, Regularizers.TextureEstimate>();

    /// <summary>The texture estimate for a layer (by name or alias), or null when the backbone has none.</summary>
    public Regularizers.TextureEstimate? TextureEstimateFor(string nameOrAlias)
    {
        if (TextureEstimates.TryGetValue(nameOrAlias, out var estimate))
            return estimate;
        string canonical = ResolveLayer(nameOrAlias);
        return TextureEstimates.FirstOrDefault(e => ResolveLayer(e.Key) == canonical).Value;
    }

    /// <summary>The outputs of several layers in one pass.</summary>
    /// <exception cref="NotSupportedException">A ReLU leak is asked of a backbone that cannot make its ReLUs leaky.</exception>
    public Tensor[] Forward(Tensor networkInput, IReadOnlyList<string> layers, ExecutionSettings? execution = null)
    {
        if (networkInput.dim() != 4 || networkInput.shape[1] != 3)
            throw new ArgumentException($"Backbone '{Name}' expects network input [N, 3, H, W]; got [{string.Join(", ", networkInput.shape)}].", nameof(networkInput));
        execution ??= ExecutionSettings.Default;
        if (execution.ReluLeak != 0 && !SupportsReluLeak)
            throw new NotSupportedException($"Backbone '{Name}' cannot make its ReLUs leaky (ExecutionSettings.ReluLeak = {execution.ReluLeak}).");
        ScalarType inputType = networkInput.dtype;
        if (execution.ComputeType is { } computeType && computeType != inputType)
        {
            if (!SupportsComputeType(computeType))
                throw new NotSupportedException($"Backbone '{Name}' cannot compute in {computeType} (ExecutionSettings.ComputeType).");
            networkInput = networkInput.to_type(computeType);
        }
        else if (execution.ComputeType is not null)
        {
            execution = execution with { ComputeType = null };
        }
        if (execution.ChannelsLast)
            networkInput = networkInput.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Tensor[] outputs = ForwardCore(networkInput, layers.Select(ResolveLayer).ToArray(), execution);
        if (execution.ComputeType is null)
            return outputs;
        return outputs.Select(o => o.is_floating_point() && o.dtype != inputType ? o.to_type(inputType) : o).ToArray();
    }

    /// <summary>
    /// Whether the network can compute in <paramref name="type"/> while its weights stay in their own type
    /// (<see cref="ExecutionSettings.ComputeType"/>). False here; imported ONNX graphs accept any floating-point type.
    /// </summary>
    public virtual bool SupportsComputeType(ScalarType type) => false;

    /// <summary>The output of <paramref name="layer"/> for RGB 0–255 images [N, 3, H, W] (preprocessing applied).</summary>
    public Tensor Featurize(Tensor rgb255, string layer)
    {
        using var scope = NewDisposeScope();
        return Forward(Preprocessing.ToNetworkInput(rgb255), layer).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Whether the representation is hand-crafted (HOG, dense SIFT) rather than a learned network: the presets
    /// then use the CVPR 2015 paper's settings for such representations.
    /// </summary>
    public virtual bool IsHandcrafted => false;

    /// <summary>
    /// Whether a call may ask for <see cref="ExecutionSettings.ReluLeak"/>: true for imported ONNX graphs, false for
    /// TorchSharp modules and hand-crafted representations.
    /// </summary>
    public virtual bool SupportsReluLeak => false;

    /// <summary>Releases the network and the preprocessing tensors.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
            Preprocessing.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
