using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using Microsoft.ML.Inversion.Regularizers;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine.Tasks;

/// <summary>
/// Activation maximisation (IJCV 2016, section 5): from noise, an image that maximises the mean activation of one
/// channel of a layer under the priors. The activation is measured in units of the layer's RMS activation on the
/// backbone's mean image, so the preset's constants carry across layers. The score is the channel's mean activation.
/// </summary>
/// <param name="channels">The channel each image maximises.</param>
/// <param name="positions">
/// Null to maximise each channel's mean over the layer's positions; else one position per image, where only that
/// unit's activation counts (a token's index for a transformer's [N, tokens, dim], y·W + x for a map [N, C, H, W]).
/// </param>
public sealed class MaximizationTask(IReadOnlyList<long> channels, IReadOnlyList<long>? positions = null) : OptimizationTask
{
    /// <summary>The default weight of the activation term against the priors.</summary>
    public const double DefaultWeight = 1.0;

    /// <summary>The total-variation weight of activation maximisation (IJCV normalisation; the paper's is 1).</summary>
    public const double TvWeight = 2;

    /// <summary>The ReLU leak used while optimising (IJCV's nnpreimage: 0.05), where the backbone supports it.</summary>
    public const double ReluLeakWhileOptimising = 0.05;

    /// <inheritdoc />
    public override int Count => channels.Count;

    /// <inheritdoc />
    public override string ScoreName => positions is null ? "mean channel activation" : "unit activation";

    /// <summary>
    /// The activation term has weight <see cref="DefaultWeight"/> and λTV is <see cref="TvWeight"/>, twice the IJCV
    /// paper's, whatever the inversion's: the inversion's λTV is tuned against a data term that anchors the image, and
    /// here nothing does (measurements in docs/visualizations.md).
    /// </summary>
    public override LayerSettings AdaptSettings(LayerSettings inversion) =>
        inversion.WithRegularizer<TotalVariationPrior>(p => p with { Weight = TvWeight }, new(TvWeight)) with { DataWeight = DefaultWeight };

    /// <summary>Units that are dead at the start pass no gradient through a ReLU; a small leak lets them wake up.</summary>
    public override ExecutionSettings AdaptExecution(ExecutionSettings execution, Backbone backbone) =>
        backbone.SupportsReluLeak ? execution with { ReluLeak = ReluLeakWhileOptimising } : execution;

    /// <inheritdoc />
    public override void Check(TaskContext context)
    {
        if (Count == 0)
            throw new ArgumentException("Activation maximisation needs at least one channel.", nameof(channels));
        long available = context.Geometry.ChannelCount;
        foreach (long channel in channels)
            if (channel < 0 || channel >= available)
                throw new ArgumentOutOfRangeException(nameof(channels), $"Channel {channel} is outside layer '{context.Layer}''s {available} channels (0–{available - 1}).");
        if (positions is null)
            return;
        if (positions.Count != Count)
            throw new ArgumentException($"Expected one position per channel ({Count}); got {positions.Count}.", nameof(positions));
        long places = context.Geometry.PositionCount;
        foreach (long position in positions)
            if (position < 0 || position >= places)
                throw new ArgumentOutOfRangeException(nameof(positions),
                    $"Position {position} is outside layer '{context.Layer}''s {places} {(context.Geometry.IsTokens ? "tokens" : "positions")} (0–{places - 1}).");
    }

    /// <inheritdoc />
    public override TaskStart Start(TaskContext context) =>
        new(context.Settings.Energy(-Activation(ReferenceActivation(context), context.Geometry.ChannelDimension)));

    /// <inheritdoc />
    public override double[] Score(TaskContext context, TaskStart start, Tensor networkInput, Tensor features) =>
        ToDoubles(Activation(1, context.Geometry.ChannelDimension).Evaluate(new ObjectiveContext(networkInput, () => features, null, null)));

    private Objective Activation(double scale, int channelDimension) => positions is null
        ? Objective.ChannelMeans(channels, scale, channelDimension)
        : Objective.UnitActivations(channels, positions, scale, channelDimension);

    // The layer's RMS activation on the mean image (whose network input is all zeros): a size-independent unit.
    private static double ReferenceActivation(TaskContext context)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor meanImageInput = zeros(1, 3, context.Height, context.Width, device: context.Backbone.Device);
        double rms = context.Backbone.Forward(meanImageInput, context.Layer).square().mean().sqrt().item<float>();
        return rms > 0 ? rms : 1;
    }
}
