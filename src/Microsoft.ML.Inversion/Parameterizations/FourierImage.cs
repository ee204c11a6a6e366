using Microsoft.ML.Inversion.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Parameterizations;

/// <summary>
/// A decorrelated Fourier image (Olah et al. 2017, as in Lucid): the parameters are the image's 2-D Fourier
/// coefficients, scaled by 1/frequency so that gradient steps are equally effective at every scale, and its colours
/// are mixed by the square root of ImageNet's colour covariance. Gradient steps therefore favour natural,
/// low-frequency, correlated-colour images. The image is synthesised at a fast FFT size (<see cref="FftSize"/>) and
/// the canvas is its top-left corner.
/// </summary>
public sealed class FourierImage : ImageParameterization
{
    // Lucid's square root of the ImageNet colour covariance (RGB), normalised by its largest column norm.
    private static readonly float[,] ColorCorrelation = { { 0.26f, 0.09f, 0.02f }, { 0.27f, 0.00f, -0.05f }, { 0.27f, -0.09f, 0.03f } };

    private readonly Tensor _spectrum;
    private readonly Tensor _frequencyScale;
    private readonly Tensor _colorMatrix;
    private readonly long _height, _width, _fftHeight, _fftWidth;

    private bool Padded => _fftHeight != _height || _fftWidth != _width;

    /// <summary>Creates Fourier parameters for a batch; starts from small noise (or from the setup's images).</summary>
    /// <param name="setup">Size, device, generators, channel order.</param>
    /// <param name="decay">The 1/f^decay spectrum scaling (1 in Lucid).</param>
    /// <param name="initialScale">Standard deviation of the starting coefficients.</param>
    public FourierImage(ParameterizationSetup setup, double decay = 1.0, double initialScale = 0.01)
    {
        _height = setup.Height;
        _width = setup.Width;
        _fftHeight = FftSize(_height);
        _fftWidth = FftSize(_width);
        bool bgr = setup.ChannelOrder == ChannelOrder.Bgr;
        using var scope = NewDisposeScope();
        Tensor fy = fft.fftfreq(_fftHeight).unsqueeze(1);
        Tensor fx = fft.rfftfreq(_fftWidth).unsqueeze(0);
        Tensor frequency = (fy.square() + fx.square()).sqrt();
        Tensor scale = 1.0 / frequency.clamp_min(1.0 / Math.Max(_fftHeight, _fftWidth)).pow(decay);
        // Normalised so a unit coefficient gives a pixel of order 1 whatever the size (Lucid scales the spectrum
        // by √(h·w) and the image by 1/√(h·w); the two factors cancel and are left out).
        _frequencyScale = scale.to(setup.Device).MoveToOuterDisposeScope();

        var matrix = tensor(ColorCorrelation);
        double maxColumnNorm = matrix.square().sum([0L]).sqrt().max().item<float>();
        // For networks that read BGR the matrix's rows are swapped, so rendering needs no channel flip.
        Tensor mixing = matrix / maxColumnNorm;
        _colorMatrix = (bgr ? mixing.flip(0).contiguous() : mixing).to(setup.Device).MoveToOuterDisposeScope();

        long fw = _fftWidth / 2 + 1;
        Tensor start;
        if (setup.InitialImages is { } images)
            start = FromImages(images.to(setup.Device));
        else
            start = cat(setup.Generators.Select(g => randn([1, 3, _fftHeight, fw, 2], generator: g) * initialScale).ToArray(), 0).to(setup.Device);
        _spectrum = start.detach().clone().requires_grad_(true).MoveToOuterDisposeScope();
        foreach (var t in new[] { _spectrum, _frequencyScale, _colorMatrix })
            t.DetachFromDisposeScope();
    }

    /// <summary>
    /// The size an image side of <paramref name="length"/> pixels is synthesised at: the smallest length at least as
    /// long whose prime factors are all at most 11. FFTs of lengths with a large prime factor cost up to twice as
    /// much (stage3's 227-pixel canvas, a prime, is synthesised at 231; measurements in docs/design.md).
    /// </summary>
    public static long FftSize(long length)
    {
        if (length < 1)
            throw new ArgumentOutOfRangeException(nameof(length), "An image side must be at least one pixel.");
        for (long candidate = length; ; candidate++)
        {
            long rest = candidate;
            foreach (long prime in new long[] { 2, 3, 5, 7, 11 })
                while (rest % prime == 0)
                    rest /= prime;
            if (rest == 1)
                return candidate;
        }
    }

    /// <summary>A factory for presets.</summary>
    public static ParameterizationFactory Factory { get; } = new("fourier", s => new FourierImage(s));

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => [_spectrum];

    /// <inheritdoc />
    public override Tensor Render()
    {
        Tensor coefficients = view_as_complex(_spectrum) * _frequencyScale;
        Tensor decorrelated = fft.irfft2(coefficients, [_fftHeight, _fftWidth], norm: FFTNormType.Ortho);
        if (Padded)
            decorrelated = decorrelated[.., .., ..(int)_height, ..(int)_width];
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
        // Reflected into the larger FFT field, so that the canvas (its top-left corner) is exactly the images.
        if (Padded)
            decorrelated = ReflectTo(decorrelated, _fftHeight, _fftWidth);
        Tensor coefficients = fft.rfft2(decorrelated, norm: FFTNormType.Ortho) / _frequencyScale;
        return view_as_real(coefficients);
    }

    private static Tensor ReflectTo(Tensor images, long height, long width) =>
        // One reflection suffices: FftSize(n) is at most the next power of two, so the margin is always below n.
        nn.functional.pad(images, [0, width - images.shape[3], 0, height - images.shape[2]], PaddingModes.Reflect);
}
