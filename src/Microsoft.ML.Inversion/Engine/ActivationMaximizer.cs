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
}
