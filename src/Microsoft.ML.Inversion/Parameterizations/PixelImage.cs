using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Parameterizations;

/// <summary>
/// The papers' parameterisation: the pixels themselves. Noise starts follow the IJCV code: uniform noise scaled
/// so its 95th percentile is 1/√3 (a pixel colour norm of about 1 in units of B).
/// </summary>
public sealed class PixelImage : ImageParameterization
{
    private readonly Tensor _pixels;

    /// <summary>Creates the pixels for a batch: noise, or copies of the setup's initial images.</summary>
    public PixelImage(ParameterizationSetup setup)
    {
        using var scope = NewDisposeScope();
        Tensor start = setup.InitialImages?.to(setup.Device).detach().clone()
            ?? cat(setup.Generators.Select(g => Noise(setup.Height, setup.Width, g)).ToArray(), 0).to(setup.Device);
        _pixels = start.requires_grad_(true).MoveToOuterDisposeScope();
        _pixels.DetachFromDisposeScope();
    }

    /// <summary>A factory for presets.</summary>
    public static ParameterizationFactory Factory { get; } = new("pixels", s => new PixelImage(s));

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => [_pixels];

    /// <inheritdoc />
    public override Tensor Render() => _pixels;

    /// <inheritdoc />
    public override void Project(double maxPixelNorm) => ClampPixelNorm(_pixels, maxPixelNorm);

    private static Tensor Noise(long height, long width, Generator generator)
    {
        Tensor u = rand([1, 3, height, width], generator: generator) * 2 - 1;
        using Tensor q = tensor(0.95f);
        double q95 = u.abs().flatten().quantile(q).item<float>();
        return u / q95 / Math.Sqrt(3);
    }
}
