using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Engine.Tasks;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Options of <see cref="ActivationMaximizationEstimator"/>: each row names a channel (and optionally a layer),
/// and the step generates the image that maximises that channel's mean activation. Every field has a default.
/// </summary>
public sealed class ActivationMaximizationOptions : RowStepOptions
{
    /// <summary>Defaults of the activation-maximisation step and its catalog method.</summary>
    public static new class Defaults
    {
        /// <summary>The generated-image column.</summary>
        public const string OutputColumnName = "Visualization";

        /// <summary>The column naming each row's channel.</summary>
        public const string ChannelColumnName = "Channel";

        /// <summary>The layer when rows do not name one.</summary>
        public const string Layer = "stage3";
    }

    /// <summary>Creates options with the defaults.</summary>
    public ActivationMaximizationOptions()
    {
        OutputColumnName = Defaults.OutputColumnName;
        Layer = Defaults.Layer;
    }

    /// <summary>
    /// The column with each row's channel index: an integer column (Int32, Int64, UInt32, UInt64) or a Single or
    /// Double column holding whole numbers.
    /// </summary>
    public string ChannelColumnName = Defaults.ChannelColumnName;

    /// <summary>
    /// A column with each row's unit position (same types as <see cref="ChannelColumnName"/>); null: each row
    /// maximises its channel's mean. When set, only the activation at that position counts: a token's index for a
    /// transformer block's [N, tokens, dim], y·W + x for a map [N, C, H, W] at <see cref="RowStepOptions.ImageHeight"/>
    /// × <see cref="RowStepOptions.ImageWidth"/>.
    /// </summary>
    public string? PositionColumnName;

    /// <summary>
    /// A text column naming each row's layer (a name or alias); null: every row uses
    /// <see cref="RowStepOptions.Layer"/>. Rows of one batch with different layers are optimised in one group per layer.
    /// </summary>
    public string? LayerColumnName;

    /// <summary>The weight of the activation against the regularisers; null for <see cref="MaximizationTask.DefaultWeight"/>.</summary>
    public double? ActivationWeight;

    /// <summary>If set, a <c>float</c> column with the channel's mean activation in the generated image.</summary>
    public string? ActivationColumnName;

    internal override IReadOnlyList<string> InputColumns =>
        [ChannelColumnName, .. LayerColumnName is { } layer ? [layer] : Array.Empty<string>(), .. PositionColumnName is { } position ? [position] : Array.Empty<string>()];

    internal override string? ScoreColumnName => ActivationColumnName;

    internal override void Validate()
    {
        base.Validate();
        if (InversionPreset.FromName(Preset).IsNaive)
            throw new ArgumentException("The naive preset has no regularisers, so it cannot maximise an activation; use default, ijcv2016 or cvpr2015.", nameof(Preset));
        if (ActivationWeight is { } weight && !(double.IsFinite(weight) && weight >= 0))
            throw new ArgumentOutOfRangeException(nameof(ActivationWeight), $"ActivationWeight must be a finite non-negative number; got {weight}.");
    }
}
