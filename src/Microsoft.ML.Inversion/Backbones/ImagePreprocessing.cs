using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// The contract between images and a network's input: channel order, value range, mean and standard deviation.
/// Images enter and leave as RGB float tensors [N, 3, H, W] with values 0–255; the network sees
/// ((rgb / 255 · <see cref="ValueRange"/>) reordered to <see cref="ChannelOrder"/> − mean) / std.
/// </summary>
public sealed class ImagePreprocessing : IDisposable
{
    private readonly Tensor _mean;
    private readonly Tensor _std;

    /// <summary>Creates a preprocessing from per-channel means and standard deviations (in network order and range).</summary>
    public ImagePreprocessing(ChannelOrder channelOrder, double valueRange, float[] mean, float[] std)
    {
        if (mean.Length != 3 || std.Length != 3)
            throw new ArgumentException("mean and std need one value per colour channel (3).");
        if (std.Any(s => s <= 0))
            throw new ArgumentException("std values must be positive.", nameof(std));
        ChannelOrder = channelOrder;
        ValueRange = valueRange;
        _mean = tensor(mean).reshape(1, 3, 1, 1).DetachFromDisposeScope();
        _std = tensor(std).reshape(1, 3, 1, 1).DetachFromDisposeScope();
    }

    /// <summary>
    /// Creates a preprocessing that subtracts a whole mean image [3, H, W] (in network order and range), as
    /// ML.NET's ResNet18 does. At other input sizes the mean image is resized bilinearly.
    /// </summary>
    public ImagePreprocessing(ChannelOrder channelOrder, double valueRange, Tensor meanImage)
    {
        if (meanImage.dim() != 3 || meanImage.shape[0] != 3)
            throw new ArgumentException($"the mean image must have shape [3, H, W]; got [{string.Join(", ", meanImage.shape)}].", nameof(meanImage));
        ChannelOrder = channelOrder;
        ValueRange = valueRange;
        _mean = meanImage.to_type(ScalarType.Float32).unsqueeze(0).DetachFromDisposeScope();
        _std = ones(1, 3, 1, 1).DetachFromDisposeScope();
    }

    /// <summary>TorchVision's ImageNet convention: RGB, values 0–1, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static ImagePreprocessing ImageNet() =>
        new(ChannelOrder.Rgb, 1.0, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>The channel order of the network input.</summary>
    public ChannelOrder ChannelOrder { get; }

    /// <summary>The value a full-intensity channel has before mean subtraction: 255 or 1.</summary>
    public double ValueRange { get; }

    /// <summary>Whether the mean is a whole image rather than one value per channel.</summary>
    public bool HasMeanImage => _mean.shape[2] > 1 || _mean.shape[3] > 1;

    /// <summary>Converts RGB 0–255 images [N, 3, H, W] to network input.</summary>
    public Tensor ToNetworkInput(Tensor rgb255)
    {
        CheckImages(rgb255);
        using var scope = NewDisposeScope();
        Tensor x = rgb255 * (ValueRange / 255.0);
        if (ChannelOrder == ChannelOrder.Bgr)
            x = x.flip(1);
        return ((x - Mean(rgb255)) / _std.to(rgb255.dtype, rgb255.device)).MoveToOuterDisposeScope();
    }

    /// <summary>Converts network input back to RGB 0–255 images (not clamped).</summary>
    public Tensor FromNetworkInput(Tensor input)
    {
        CheckImages(input);
        using var scope = NewDisposeScope();
        Tensor x = input * _std.to(input.dtype, input.device) + Mean(input);
        if (ChannelOrder == ChannelOrder.Bgr)
            x = x.flip(1);
        return (x * (255.0 / ValueRange)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The mean image as RGB 0–255, [1, 3, H, W]: the image whose network input is all zeros, i.e. the
    /// "no-information" reconstruction an inversion would return if the representation said nothing.
    /// </summary>
    public Tensor MeanImage(long height, long width, Device? device = null)
    {
        using var networkInput = zeros(1, 3, height, width, device: device);
        return FromNetworkInput(networkInput);
    }

    private Tensor Mean(Tensor like)
    {
        Tensor mean = _mean.to(like.dtype, like.device);
        long h = like.shape[2], w = like.shape[3];
        if (HasMeanImage && (mean.shape[2] != h || mean.shape[3] != w))
            mean = F.interpolate(mean, [h, w], mode: InterpolationMode.Bilinear, align_corners: false);
        return mean;
    }

    private static void CheckImages(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"expected images as a tensor [N, 3, H, W]; got [{string.Join(", ", images.shape)}].");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _mean.Dispose();
        _std.Dispose();
    }
}
