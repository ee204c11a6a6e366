using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Parameterizations;

/// <summary>
/// How the optimised parameters become an image (Lucid's "parameterisation"): the optimiser updates
/// <see cref="Parameters"/>, and <see cref="Render"/> turns them into a batch of images [N, 3, H, W] in scaled
/// network units (network input / B).
/// </summary>
public abstract class ImageParameterization : IDisposable
{
    /// <summary>The leaf tensors the optimiser updates (they require gradients).</summary>
    public abstract IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The current images, differentiable with respect to <see cref="Parameters"/>.</summary>
    public abstract Tensor Render();

    /// <summary>
    /// Keeps the images feasible after a step: the papers bound each pixel's colour norm by B+ (2 in scaled units).
    /// Parameterisations that cannot project exactly leave the bound to the α-norm prior.
    /// </summary>
    public virtual void Project(double maxPixelNorm)
    {
    }

    /// <summary>Releases the parameters and any other tensors the parameterisation holds.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the parameters; subclasses release their own constant tensors too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        foreach (Tensor p in Parameters)
            p.Dispose();
    }

    /// <summary>Scales each pixel of <paramref name="images"/> in place so its colour norm is at most <paramref name="maxNorm"/>.</summary>
    protected static void ClampPixelNorm(Tensor images, double maxNorm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor norm = images.square().sum([1L], keepdim: true).sqrt();
        images.mul_((maxNorm / (norm + 1e-12)).clamp_max(1.0));
    }
}
