namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// How one call runs a backbone's forward pass. It travels with each call (an optimisation request carries it), never
/// as state on the backbone, so two tasks on one backbone from two threads do not interfere.
/// </summary>
public sealed record ExecutionSettings
{
    /// <summary>The network as trained, in the default memory layout.</summary>
    public static ExecutionSettings Default { get; } = new();

    /// <summary>
    /// When positive, every ReLU runs as a leaky ReLU with this slope (0: the network as trained). The IJCV paper does
    /// this (0.05) during activation maximisation so that units that start dead still pass a gradient. Needs a
    /// backbone whose <see cref="Backbone.SupportsReluLeak"/> is true.
    /// </summary>
    public double ReluLeak { get; init; }

    /// <summary>
    /// When true, a 4-D input is laid out channels-last (NHWC strides) before the network runs, and libtorch's oneDNN
    /// convolutions keep that layout through the network. Values equal the default layout's up to float rounding.
    /// Off by default because it is not faster everywhere (docs/benchmarks.md measures both layouts).
    /// </summary>
    public bool ChannelsLast { get; init; }
}
