using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Objectives;

/// <summary>
/// What an objective can look at during one optimisation step. Images are in the optimiser's scaled units
/// (network input divided by the pixel scale B, so a typical pixel has colour norm about 1).
/// </summary>
public sealed class ObjectiveContext
{
    /// <summary>Creates a context for one step.</summary>
    public ObjectiveContext(Tensor image, Func<Tensor> features, Tensor? target, Tensor? targetSquaredNorm)
    {
        Image = image;
        _features = new Lazy<Tensor>(features);
        Target = target;
        TargetSquaredNorm = targetSquaredNorm;
    }

    private readonly Lazy<Tensor> _features;

    /// <summary>The whole canvas being optimised, [N, 3, H, W] in scaled units (regularisers look at this).</summary>
    public Tensor Image { get; }

    /// <summary>The layer's activations of the transformed image, [N, ...]; computed on first use.</summary>
    public Tensor Features => _features.Value;

    /// <summary>Whether <see cref="Features"/> has been computed.</summary>
    public bool FeaturesComputed => _features.IsValueCreated;

    /// <summary>The target representation Φ0, [N, ...], when the task has one.</summary>
    public Tensor? Target { get; }

    /// <summary>‖Φ0‖² per item, [N].</summary>
    public Tensor? TargetSquaredNorm { get; }
}
