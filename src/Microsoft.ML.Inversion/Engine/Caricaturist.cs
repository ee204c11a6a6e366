using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine.Tasks;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Caricatures (IJCV 2016, section 6, <see cref="CaricatureTask"/>): starting from the image, amplify what a layer
/// sees in it by maximising ⟨Φ(x), Φ0⟩/‖Φ0‖² under the priors. The score is that ratio: 1 for the original, more
/// for a caricature. <see cref="InversionOptions.DataWeight"/> overrides the weight (default 1.25× the preset's C).
/// </summary>
/// <param name="backbone">The network (not owned).</param>
/// <param name="layer">A layer name or alias.</param>
/// <param name="options">Preset and overrides.</param>
public sealed class Caricaturist(Backbone backbone, string layer, InversionOptions? options = null)
{
    private readonly TaskLayer _layer = new(backbone, layer, options);

    /// <summary>Caricatures RGB images [N, 3, H, W] (values 0–255) at the layer.</summary>
    /// <param name="rgb255">The images.</param>
    /// <param name="seeds">One seed per image; default <c>Options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    public VisualizationResult Caricature(Tensor rgb255, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        var (height, width) = TaskLayer.SizeOf(rgb255);
        return new(_layer.Run(new CaricatureTask(rgb255), height, width, seeds, cancellationToken));
    }
}
