using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine.Tasks;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Activation maximisation (IJCV 2016, section 5, <see cref="MaximizationTask"/>): images that maximise the mean
/// activation of one channel of a layer each, under the same priors, parameterisation and transforms as inversion.
/// <see cref="InversionOptions.DataWeight"/> overrides the activation's weight (default
/// <see cref="MaximizationTask.DefaultWeight"/>).
/// </summary>
/// <param name="backbone">The network (not owned).</param>
/// <param name="layer">A layer name or alias.</param>
/// <param name="options">Preset and overrides.</param>
public sealed class ActivationMaximizer(Backbone backbone, string layer, InversionOptions? options = null)
{
    private readonly TaskLayer _layer = new(backbone, layer, options);

    /// <summary>Generates one image per requested channel (a batch), [N, 3, height, width].</summary>
    /// <param name="channels">The channel each image maximises.</param>
    /// <param name="height">Image height; default the backbone's input height.</param>
    /// <param name="width">Image width; default the backbone's input width.</param>
    /// <param name="seeds">One seed per image; default <c>Options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <exception cref="ArgumentOutOfRangeException">A channel the layer does not have.</exception>
    public VisualizationResult Maximize(IReadOnlyList<long> channels, int? height = null, int? width = null,
        IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default) =>
        new(_layer.Run(new MaximizationTask(channels), height ?? _layer.Backbone.InputHeight, width ?? _layer.Backbone.InputWidth, seeds, cancellationToken));

    /// <summary>
    /// Generates one image per requested unit: image i maximises channel <c>channels[i]</c> at position
    /// <c>positions[i]</c> only (a token of a transformer block, or y·W + x of a convolutional map), not the
    /// channel's mean. Scores are the unit's activation.
    /// </summary>
    /// <param name="channels">The channel of each unit.</param>
    /// <param name="positions">The position of each unit: a token index for [N, tokens, dim], y·W + x for [N, C, H, W].</param>
    /// <param name="height">Image height; default the backbone's input height.</param>
    /// <param name="width">Image width; default the backbone's input width.</param>
    /// <param name="seeds">One seed per image; default <c>Options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <exception cref="ArgumentOutOfRangeException">A channel or position the layer does not have.</exception>
    /// <exception cref="ArgumentException">Not one position per channel.</exception>
    public VisualizationResult MaximizeUnits(IReadOnlyList<long> channels, IReadOnlyList<long> positions, int? height = null, int? width = null,
        IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(positions);
        return new(_layer.Run(new MaximizationTask(channels, positions), height ?? _layer.Backbone.InputHeight, width ?? _layer.Backbone.InputWidth, seeds, cancellationToken));
    }
}
