using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Objectives;

/// <summary>
/// What an objective can look at during one optimisation step. Images are in the optimiser's scaled units
/// (network input divided by the pixel scale B, so a typical pixel has colour norm about 1).
/// </summary>
public sealed class ObjectiveContext
{
    /// <summary>Creates a context for one step.</summary>
    /// <param name="image">The canvas being optimised.</param>
    /// <param name="features">Computes the layer's activations of the transformed image, on first use.</param>
    /// <param name="target">Φ0, when the task has one.</param>
    /// <param name="targetSquaredNorm">‖Φ0‖² per item.</param>
    /// <param name="cache">The run's cache of what objectives derive from the target once (null: derive it at every step).</param>
    public ObjectiveContext(Tensor image, Func<Tensor> features, Tensor? target, Tensor? targetSquaredNorm, ObjectiveCache? cache = null)
    {
        Image = image;
        Cache = cache;
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

    /// <summary>The run's cache for tensors derived once from the target (see <see cref="ObjectiveCache"/>), or null.</summary>
    public ObjectiveCache? Cache { get; }

    /// <summary>‖Φ0‖² per item, [N].</summary>
    public Tensor? TargetSquaredNorm { get; }
}
