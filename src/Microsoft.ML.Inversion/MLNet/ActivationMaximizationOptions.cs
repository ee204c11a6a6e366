using System.Text.Json.Serialization;
using Microsoft.ML.Inversion.Engine;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Options of <see cref="ActivationMaximizationEstimator"/>: each row names a channel (and optionally a layer),
/// and the step generates the image that maximises that channel's mean activation. Every field has a default.
/// </summary>
public sealed class ActivationMaximizationOptions
{
    /// <summary>Defaults shared by the options and the catalog methods.</summary>
    public static class Defaults
    {
        /// <summary>The generated-image column.</summary>
        public const string OutputColumnName = "Visualization";

        /// <summary>The column naming each row's channel.</summary>
        public const string ChannelColumnName = "Channel";

        /// <summary>The layer when rows do not name one.</summary>
        public const string Layer = "stage3";
    }

    /// <summary>The generated-image column to create (an <c>MLImage</c> column).</summary>
    public string OutputColumnName = Defaults.OutputColumnName;

    /// <summary>
    /// The column with each row's channel index: an integer column (Int32, Int64, UInt32, UInt64) or a Single or
    /// Double column holding whole numbers.
    /// </summary>
    public string ChannelColumnName = Defaults.ChannelColumnName;

    /// <summary>
    /// A text column naming each row's layer (a name or alias); null: every row uses <see cref="Layer"/>. Rows of
    /// one batch with different layers are optimised in one group per layer.
    /// </summary>
    public string? LayerColumnName;

    /// <summary>The layer used when <see cref="LayerColumnName"/> is null.</summary>
    public string Layer = Defaults.Layer;

    /// <summary>The network; default the built-in ImageNet ResNet18.</summary>
    public BackboneReference Backbone = BackboneReference.BuiltInResNet18;

    /// <summary>The recipe for parameterisation, transforms, optimiser and regularisers: default, ijcv2016 or cvpr2015.</summary>
    public string Preset = ImageInversionOptions.Defaults.Preset;

    /// <summary>Total optimisation steps per row; null keeps the preset's.</summary>
    public int? Iterations;

    /// <summary>The weight of the activation against the regularisers; null for <see cref="ActivationMaximizer.DefaultWeight"/>.</summary>
    public double? ActivationWeight;

    /// <summary>The random seed; the row at position r starts from <c>Seed + r</c>.</summary>
    public long Seed = ImageInversionOptions.Defaults.Seed;

    /// <summary>How many rows are optimised together.</summary>
    public int BatchSize = ImageInversionOptions.Defaults.BatchSize;

    /// <summary>The width of the generated images; default the backbone's input width.</summary>
    public int? ImageWidth;

    /// <summary>The height of the generated images; default the backbone's input height.</summary>
    public int? ImageHeight;

    /// <summary>If set, a <c>float</c> column with the channel's mean activation in the generated image.</summary>
    public string? ActivationColumnName;

    /// <summary>If set, an <c>int</c> column with the number of optimisation steps.</summary>
    public string? IterationsColumnName;

    /// <summary>What to do with rows naming an unknown layer or a channel the layer does not have.</summary>
    public BadRowPolicy BadRows = BadRowPolicy.Throw;

    /// <summary>Receives progress while rows are optimised. Not saved.</summary>
    [JsonIgnore]
    public IProgress<InversionProgress>? Progress;

    /// <summary>Stops work between optimisation steps with <see cref="OperationCanceledException"/>. Not saved.</summary>
    [JsonIgnore]
    public CancellationToken CancellationToken;

    internal ActivationMaximizationOptions Clone() => (ActivationMaximizationOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputColumnName, nameof(OutputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(ChannelColumnName, nameof(ChannelColumnName));
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize must be at least 1; got {BatchSize}.");
        if (Iterations is < 1)
            throw new ArgumentOutOfRangeException(nameof(Iterations), $"Iterations must be at least 1; got {Iterations}.");
        if (InversionPreset.FromName(Preset).IsNaive)
            throw new ArgumentException("The naive preset has no regularisers, so it cannot maximise an activation; use default, ijcv2016 or cvpr2015.", nameof(Preset));
    }
}
