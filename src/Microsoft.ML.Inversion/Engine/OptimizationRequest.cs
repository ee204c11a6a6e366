using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Everything one run of the optimisation loop needs, validated once by <see cref="Validate"/>. Per-call execution
/// settings (a ReLU leak while optimising, the memory layout) travel here, never as state on the shared backbone.
/// </summary>
public sealed record OptimizationRequest
{
    /// <summary>The network (not owned).</summary>
    public required Backbone Backbone { get; init; }

    /// <summary>The canonical name of the layer the objective looks at.</summary>
    public required string Layer { get; init; }

    /// <summary>The knobs of the run.</summary>
    public required LayerSettings Settings { get; init; }

    /// <summary>The energy to minimise, one value per image.</summary>
    public required Objective Objective { get; init; }

    /// <summary>Φ0 [N, ...] in the layer's shape, when the objective uses one.</summary>
    public Tensor? Target { get; init; }

    /// <summary>One seed per image: image i's start and random transforms come from its own generator.</summary>
    public required IReadOnlyList<long> Seeds { get; init; }

    /// <summary>The height of the images.</summary>
    public required int Height { get; init; }

    /// <summary>The width of the images.</summary>
    public required int Width { get; init; }

    /// <summary>Start images as network input [N, 3, H, W]; null starts from the parameterisation's noise.</summary>
    public Tensor? StartImages { get; init; }

    /// <summary>How the backbone runs while optimising (scores are always measured on the network as trained).</summary>
    public ExecutionSettings Execution { get; init; } = ExecutionSettings.Default;

    /// <summary>Whether to record each image's energy at every step.</summary>
    public bool RecordLossCurve { get; init; }

    /// <summary>Receives progress every <see cref="ProgressInterval"/> steps and at the last.</summary>
    public IProgress<InversionProgress>? Progress { get; init; }

    /// <summary>Steps between progress reports.</summary>
    public int ProgressInterval { get; init; } = 10;

    /// <summary>Checked before every step.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>The number of images.</summary>
    public int Count => Seeds.Count;

    /// <summary>Checks that the parts fit together; the loop calls it before it allocates anything.</summary>
    /// <exception cref="ArgumentException">A part does not fit, with what was expected.</exception>
    public void Validate()
    {
        if (Count == 0)
            throw new ArgumentException("An optimisation needs at least one image (one seed per image).", nameof(Seeds));
        if (Height < 1 || Width < 1)
            throw new ArgumentException($"Image size must be positive; got {Width}×{Height}.", nameof(Height));
        if (Target is not null && Target.shape[0] != Count)
            throw new ArgumentException($"Expected one target per seed ({Count}); got {Target.shape[0]}.", nameof(Target));
        if (StartImages is not null && !StartImages.shape.SequenceEqual([Count, 3L, Height, Width]))
            throw new ArgumentException($"Expected start images [{Count}, 3, {Height}, {Width}]; got [{string.Join(", ", StartImages.shape)}].", nameof(StartImages));
        if (Execution.ReluLeak != 0 && !Backbone.SupportsReluLeak)
            throw new ArgumentException($"Backbone '{Backbone.Name}' cannot make its ReLUs leaky; set ExecutionSettings.ReluLeak to 0.", nameof(Execution));
        if (ProgressInterval < 1)
            throw new ArgumentException($"ProgressInterval must be at least 1; got {ProgressInterval}.", nameof(ProgressInterval));
        RequireFinite(Settings.DataWeight, "the data weight C", allowZero: true);
        foreach (var regularizer in Settings.Regularizers)
            RequireFinite(regularizer.Weight, $"the weight of {regularizer.GetType().Name}", allowZero: true);
        RequireFinite(Settings.LearningRate, "the learning rate", allowZero: false);
        if (Settings.Iterations < 1)
            throw new ArgumentException("The schedule has no steps.", nameof(Settings));
        if (Settings.JitterAmount < 1)
            throw new ArgumentException($"The jitter amount must be at least 1; got {Settings.JitterAmount}.", nameof(Settings));
    }

    private static void RequireFinite(double value, string what, bool allowZero)
    {
        if (!double.IsFinite(value) || value < 0 || (!allowZero && value == 0))
            throw new ArgumentException($"{char.ToUpperInvariant(what[0])}{what[1..]} must be a finite {(allowZero ? "non-negative" : "positive")} number; got {value}.", nameof(Settings));
    }
}
