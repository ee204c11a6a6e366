using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Parameterizations;

/// <summary>
/// The start image plus an offset optimised at 1/<see cref="Factor"/> of the resolution and upsampled bilinearly:
/// the optimiser can change an image only at coarse scales (for caricatures: amplify what a layer sees without
/// adding pixel-level texture). Without start images the base is zero and the offset starts from small noise.
/// </summary>
public sealed class LowResolutionOffset : ImageParameterization
{
    private readonly Tensor _base;
    private readonly Tensor _offset;
    private readonly long _height, _width;

    /// <summary>Creates the offset for a batch.</summary>
    public LowResolutionOffset(ParameterizationSetup setup, int factor)
    {
        if (factor < 1)
            throw new ArgumentOutOfRangeException(nameof(factor), $"The resolution factor must be at least 1; got {factor}.");
        Factor = factor;
        _height = setup.Height;
        _width = setup.Width;
        long h = Math.Max(1, (setup.Height + factor - 1) / factor), w = Math.Max(1, (setup.Width + factor - 1) / factor);
        using var scope = NewDisposeScope();
        _base = (setup.InitialImages?.to(setup.Device).detach().clone() ?? zeros(setup.Count, 3, setup.Height, setup.Width, device: setup.Device))
            .MoveToOuterDisposeScope();
        Tensor start = setup.InitialImages is not null
            ? zeros(setup.Count, 3, h, w, device: setup.Device)
            : cat(setup.Generators.Select(g => randn([1, 3, h, w], generator: g) * 0.01).ToArray(), 0).to(setup.Device);
        _offset = start.requires_grad_(true).MoveToOuterDisposeScope();
        _base.DetachFromDisposeScope();
        _offset.DetachFromDisposeScope();
    }

    /// <summary>How many times coarser the offset is than the image.</summary>
    public int Factor { get; }

    /// <summary>A factory for presets.</summary>
    public static ParameterizationFactory Factory(int factor) => new($"lowres{factor}", setup => new LowResolutionOffset(setup, factor));

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => [_offset];

    /// <inheritdoc />
    public override Tensor Render() =>
        _base + F.interpolate(_offset, [_height, _width], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _base.Dispose();
        base.Dispose(disposing);
    }
}
