using Microsoft.ML.Inversion.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Parameterizations;

/// <summary>
/// A decorrelated Fourier image (Olah et al. 2017, as in Lucid): the parameters are the image's 2-D Fourier
/// coefficients, scaled by 1/frequency so that gradient steps are equally effective at every scale, and its colours
/// are mixed by the square root of ImageNet's colour covariance. Gradient steps therefore favour natural,
/// low-frequency, correlated-colour images.
/// </summary>
public sealed class FourierImage : ImageParameterization
{
    // Lucid's square root of the ImageNet colour covariance (RGB), normalised by its largest column norm.
    private static readonly float[,] ColorCorrelation = { { 0.26f, 0.09f, 0.02f }, { 0.27f, 0.00f, -0.05f }, { 0.27f, -0.09f, 0.03f } };

    private readonly Tensor _spectrum;
    private readonly Tensor _frequencyScale;
    private readonly Tensor _colorMatrix;
    private readonly long _height, _width;

    /// <summary>Creates Fourier parameters for a batch; starts from small noise (or from the setup's images).</summary>
    /// <param name="setup">Size, device, generators, channel order.</param>
    /// <param name="decay">The 1/f^decay spectrum scaling (1 in Lucid).</param>
    /// <param name="initialScale">Standard deviation of the starting coefficients.</param>
    public FourierImage(ParameterizationSetup setup, double decay = 1.0, double initialScale = 0.01)
    {
        _height = setup.Height;
        _width = setup.Width;
        bool bgr = setup.ChannelOrder == ChannelOrder.Bgr;
        using var scope = NewDisposeScope();
        Tensor fy = fft.fftfreq(_height).unsqueeze(1);
        Tensor fx = fft.rfftfreq(_width).unsqueeze(0);
        Tensor frequency = (fy.square() + fx.square()).sqrt();
        Tensor scale = 1.0 / frequency.clamp_min(1.0 / Math.Max(_height, _width)).pow(decay);
        // Normalised so a unit coefficient gives a pixel of order 1 whatever the size (Lucid scales the spectrum
        // by √(h·w) and the image by 1/√(h·w); the two factors cancel and are left out).
        _frequencyScale = scale.to(setup.Device).MoveToOuterDisposeScope();

        var matrix = tensor(ColorCorrelation);
        double maxColumnNorm = matrix.square().sum([0L]).sqrt().max().item<float>();
        // For networks that read BGR the matrix's rows are swapped, so rendering needs no channel flip.
        Tensor mixing = matrix / maxColumnNorm;
        _colorMatrix = (bgr ? mixing.flip(0).contiguous() : mixing).to(setup.Device).MoveToOuterDisposeScope();

        long fw = _width / 2 + 1;
        Tensor start;
        if (setup.InitialImages is { } images)
            start = FromImages(images.to(setup.Device));
        else
            start = cat(setup.Generators.Select(g => randn([1, 3, _height, fw, 2], generator: g) * initialScale).ToArray(), 0).to(setup.Device);
        _spectrum = start.detach().clone().requires_grad_(true).MoveToOuterDisposeScope();
        foreach (var t in new[] { _spectrum, _frequencyScale, _colorMatrix })
            t.DetachFromDisposeScope();
    }

    /// <summary>A factory for presets.</summary>
    public static Func<ParameterizationSetup, ImageParameterization> Factory { get; } = s => new FourierImage(s);

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => [_spectrum];

    /// <inheritdoc />
    public override Tensor Render()
    {
        Tensor coefficients = view_as_complex(_spectrum) * _frequencyScale;
        Tensor decorrelated = fft.irfft2(coefficients, [_height, _width], norm: FFTNormType.Ortho);
        // Mix colours: image[c] = Σ_k M[c, k] · decorrelated[k] (M in the network's channel order).
        return einsum("ck,nkhw->nchw", _colorMatrix, decorrelated);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _frequencyScale.Dispose();
            _colorMatrix.Dispose();
        }
    }

    private Tensor FromImages(Tensor images)
    {
        using var noGrad = no_grad();
        Tensor decorrelated = einsum("kc,nchw->nkhw", linalg.inv(_colorMatrix), images);
        Tensor coefficients = fft.rfft2(decorrelated, norm: FFTNormType.Ortho) / _frequencyScale;
        return view_as_real(coefficients);
    }
}
