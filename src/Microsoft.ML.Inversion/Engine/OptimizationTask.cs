using System.Diagnostics;
using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// One kind of image optimisation (inversion, activation maximisation, caricature): how it adapts the preset's
/// settings and execution, how it starts, and what it scores. <see cref="Run"/> is the pipeline all tasks share:
/// size and seed checks, settings, the loop, and scores measured on the returned 0–255 images.
/// </summary>
public abstract class OptimizationTask
{
    /// <summary>The number of images the task makes.</summary>
    public abstract int Count { get; }

    /// <summary>What <see cref="Score"/> measures, for reports.</summary>
    public abstract string ScoreName { get; }

    /// <summary>
    /// Whether the task reconstructs a target (inversion). Other tasks adapt the preset's
    /// <see cref="InversionPreset.VisualizationSettingsFor">visualisation settings</see>.
    /// </summary>
    public virtual bool Reconstructs => false;

    /// <summary>How the task changes the preset's inversion settings for its layer (before the caller's overrides).</summary>
    public virtual LayerSettings AdaptSettings(LayerSettings inversion) => inversion;

    /// <summary>How the task runs the backbone while optimising.</summary>
    public virtual ExecutionSettings AdaptExecution(ExecutionSettings execution, Backbone backbone) => execution;

    /// <summary>Checks the task's inputs against the layer before anything is optimised.</summary>
    /// <exception cref="ArgumentException">An input does not fit the layer.</exception>
    public virtual void Check(TaskContext context)
    {
    }

    /// <summary>The task's energy, target and start images.</summary>
    public abstract TaskStart Start(TaskContext context);

    /// <summary>One score per image, from the layer's features <paramref name="features"/> of the returned images.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="start">What <see cref="Start"/> returned.</param>
    /// <param name="networkInput">The returned images as network input.</param>
    /// <param name="features">The layer's output for them, on the network as trained.</param>
    public abstract double[] Score(TaskContext context, TaskStart start, Tensor networkInput, Tensor features);

    /// <summary>Runs the task on one layer of a backbone.</summary>
    /// <param name="backbone">The network.</param>
    /// <param name="layer">A layer name or alias.</param>
    /// <param name="options">Preset, overrides, seed, progress.</param>
    /// <param name="height">The height of the images.</param>
    /// <param name="width">The width of the images.</param>
    /// <param name="seeds">One seed per image; default <c>options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <exception cref="ArgumentException">Wrong image size, seed count or input.</exception>
    public TaskOutcome Run(Backbone backbone, string layer, InversionOptions options, int height, int width,
        IReadOnlyList<long>? seeds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(options);
        if (seeds is not null && seeds.Count != Count)
            throw new ArgumentException($"Expected {Count} seeds, one per image; got {seeds.Count}.", nameof(seeds));
        string canonical = backbone.ResolveLayer(layer);
        LayerGeometry geometry = LayerGeometry.Of(backbone, layer, height, width);
        LayerSettings settings = options.Resolve(geometry, backbone.TypicalPixelNorm, AdaptSettings, visualization: !Reconstructs);
        var context = new TaskContext(backbone, canonical, geometry, settings, height, width);
        Check(context);

        var stopwatch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        TaskStart start = Start(context);
        var outcome = OptimizationLoop.Run(new OptimizationRequest
        {
            Backbone = backbone,
            Layer = canonical,
            Settings = settings,
            Objective = options.Objective ?? start.Objective,
            Target = start.Target,
            Seeds = seeds ?? Enumerable.Range(0, Count).Select(i => options.Seed + i).ToArray(),
            Height = height,
            Width = width,
            StartImages = start.StartImages,
            Execution = WithPrecision(AdaptExecution(options.Execution ?? backbone.OptimizationExecution, backbone), settings, backbone),
            RecordLossCurve = options.RecordLossCurve,
            Progress = options.Progress,
            ProgressInterval = options.ProgressInterval,
            CancellationToken = cancellationToken,
        });
        using var noGrad = no_grad();
        Tensor images = outcome.RgbImages(backbone);
        // Scores describe the images the caller gets (clamped to 0–255), not the optimiser's unclamped ones.
        Tensor input = backbone.Preprocessing.ToNetworkInput(images.to(backbone.Device));
        double[] scores = Score(context, start, input, backbone.Forward(input, canonical));
        return new TaskOutcome(images, scores, ScoreName, outcome.Steps, stopwatch.Elapsed.TotalSeconds, outcome.LossCurves, settings);
    }

    /// <summary>bfloat16 for settings that ask for reduced precision, where the backbone and its device support it natively and the caller named no type.</summary>
    private static ExecutionSettings WithPrecision(ExecutionSettings execution, LayerSettings settings, Backbone backbone) =>
        settings.ReducedPrecision && execution.ComputeType is null && backbone.SupportsComputeType(ScalarType.BFloat16) && BFloat16Support.IsNative(backbone.Device)
            ? execution with { ComputeType = ScalarType.BFloat16 }
            : execution;

    /// <summary>Per-image values [N] as doubles.</summary>
    protected static double[] ToDoubles(Tensor values) => values.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
}
