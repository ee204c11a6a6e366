using static TorchSharp.torch;

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
    /// Off in <see cref="Default"/> because it is not faster everywhere (docs/benchmarks.md measures both layouts);
    /// <see cref="LayoutPerOperator"/> uses it where it is, and optimisations on imported ONNX graphs run that way.
    /// </summary>
    public bool ChannelsLast { get; init; }

    /// <summary>
    /// With <see cref="ChannelsLast"/>, on an imported ONNX graph: a convolution whose input map has at most this many
    /// positions (H×W) runs in the default layout, and what follows it stays there. oneDNN's channels-last convolutions
    /// are faster than the default on large, shallow maps and slower on small, deep ones (ResNet18 at 224×224:
    /// 0.76–0.94× up to stage2, 1.08–1.10× at stage4 and pool5; docs/benchmarks.md), so a limit such as
    /// <see cref="SmallMapArea"/> keeps each part of the network in its faster layout. 0: channels-last throughout.
    /// </summary>
    public int ChannelsLastMinimumArea { get; init; }

    /// <summary>
    /// When set, the network computes in this floating-point type (e.g. bfloat16): the input is cast to it and the
    /// outputs back to the input's type, so callers see their own type and gradients flow through both casts. Needs a
    /// backbone whose <see cref="Backbone.SupportsComputeType"/> accepts it. Null (the default): the backbone's own type.
    /// </summary>
    public ScalarType? ComputeType { get; init; }

    /// <summary>14×14 positions: the maps below ResNet18's stage2 at 224×224 (<see cref="ChannelsLastMinimumArea"/>).</summary>
    public const int SmallMapArea = 14 * 14;

    /// <summary>Channels-last where it is faster: large maps channels-last, maps of 14×14 and below in the default layout.</summary>
    public static ExecutionSettings LayoutPerOperator { get; } = new() { ChannelsLast = true, ChannelsLastMinimumArea = SmallMapArea };
}
