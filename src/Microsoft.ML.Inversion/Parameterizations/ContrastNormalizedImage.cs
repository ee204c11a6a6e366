using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Parameterizations;

/// <summary>
/// A wrapper for representations that do not see contrast (HOG and SIFT normalise their histograms, so an image
/// and a fainter copy of it have the same features): each rendered image has its per-channel means removed and
/// is scaled so that its RMS pixel colour norm is <see cref="TargetNorm"/> (1: the typical pixel norm B). Without
/// it nothing in the data term holds contrast up, and the regularisers fade the image towards flat grey.
/// </summary>
public sealed class ContrastNormalizedImage : ImageParameterization
{
    private readonly ImageParameterization _inner;

    /// <summary>Wraps a parameterisation (owned and disposed with this one).</summary>
    public ContrastNormalizedImage(ImageParameterization inner, double targetNorm = 1)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        if (!(targetNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(targetNorm), $"The target norm must be positive; got {targetNorm}.");
        TargetNorm = targetNorm;
    }

    /// <summary>The RMS pixel colour norm of every rendered image, in units of B.</summary>
    public double TargetNorm { get; }

    /// <summary>A factory that wraps another factory's parameterisation.</summary>
    public static Func<ParameterizationSetup, ImageParameterization> Wrap(Func<ParameterizationSetup, ImageParameterization> inner, double targetNorm = 1) =>
        setup => new ContrastNormalizedImage(inner(setup), targetNorm);

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => _inner.Parameters;

    /// <inheritdoc />
    public override Tensor Render()
    {
        Tensor image = _inner.Render();
        Tensor centred = image - image.mean([2L, 3L], keepdim: true);
        Tensor rms = centred.square().sum([1L]).mean([1L, 2L]).sqrt().reshape(-1, 1, 1, 1);
        return centred * (TargetNorm / (rms + 1e-8));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
    }
}
