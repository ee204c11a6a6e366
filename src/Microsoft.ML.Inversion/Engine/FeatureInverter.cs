using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine.Tasks;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Reconstructs images from a layer's representation (Mahendran &amp; Vedaldi): starting from noise, it minimises
/// C·‖Φ(x) − Φ0‖²/‖Φ0‖² + λα·‖x‖α^α + λTV·TV^β(x) with the preset's parameterisation, transforms and optimiser
/// (<see cref="ReconstructionTask"/>). A batch of targets is optimised as one tensor; each image has its own
/// normalisation, random start and random transforms, so it comes out the same alone or in a batch.
/// </summary>
/// <param name="backbone">The network (not owned: the caller disposes it).</param>
/// <param name="layer">A layer name or alias.</param>
/// <param name="options">Preset and overrides; default the default preset.</param>
public sealed class FeatureInverter(Backbone backbone, string layer, InversionOptions? options = null)
{
    private readonly TaskLayer _layer = new(backbone, layer, options);

    /// <summary>The canonical name of the inverted layer.</summary>
    public string Layer => _layer.Canonical;

    /// <summary>The options.</summary>
    public InversionOptions Options => _layer.Options;

    /// <summary>
    /// Inverts the layer's representation of each image: Φ0 is computed from <paramref name="rgb255"/>
    /// ([N, 3, H, W], values 0–255) and reconstructions of the same size are returned.
    /// </summary>
    /// <param name="rgb255">The images whose representation is the target.</param>
    /// <param name="seeds">One seed per image; default <c>Options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps with <see cref="OperationCanceledException"/>.</param>
    public InversionResult InvertImages(Tensor rgb255, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        var (height, width) = TaskLayer.SizeOf(rgb255);
        LayerGeometry.Of(_layer.Backbone, _layer.Name, height, width);
        using var scope = NewDisposeScope();
        Tensor target;
        using (no_grad())
            target = _layer.Backbone.Featurize(rgb255.to(float32, _layer.Backbone.Device), _layer.Canonical);
        return InvertFeatures(target, height, width, seeds, cancellationToken);
    }

    /// <summary>
    /// Inverts given representations: <paramref name="targets"/> holds one target per image, either in the
    /// layer's shape [N, C, h, w] or flattened [N, C·h·w] (a stored embedding).
    /// </summary>
    /// <param name="targets">The target representations Φ0.</param>
    /// <param name="height">The height of the images to reconstruct.</param>
    /// <param name="width">Their width.</param>
    /// <param name="seeds">One seed per image; default <c>Options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps with <see cref="OperationCanceledException"/>.</param>
    /// <param name="startImages">Optional RGB 0–255 images [N, 3, H, W] to start from instead of noise (refinement).</param>
    /// <exception cref="ArgumentException">Wrong size, wrong seed count, non-finite values or an all-zero target.</exception>
    public InversionResult InvertFeatures(Tensor targets, int height, int width, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default,
        Tensor? startImages = null) =>
        new(_layer.Run(new ReconstructionTask(targets, _layer.Name, startImages), height, width, seeds, cancellationToken));
}
