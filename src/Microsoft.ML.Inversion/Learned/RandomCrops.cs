using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>Random square crops at several scales, resized to the training size and flipped at random.</summary>
internal sealed class RandomCrops(DecoderTrainingOptions options, Random random)
{
    /// <summary>One crop [3, S, S] (RGB 0–255, outside any dispose scope) of an image [1, 3, H, W] or [3, H, W].</summary>
    public Tensor Take(Tensor image)
    {
        using var scope = NewDisposeScope();
        Tensor batch = image.dim() == 3 ? image.unsqueeze(0) : image;
        long height = batch.shape[2], width = batch.shape[3];
        double scale = options.Scales[random.Next(options.Scales.Count)];
        long side = Math.Max(1, (long)Math.Round(scale * Math.Min(height, width)));
        long top = random.NextInt64(height - side + 1), left = random.NextInt64(width - side + 1);
        Tensor crop = batch.slice(2, top, top + side, 1).slice(3, left, left + side, 1).to(float32);
        int size = options.CropSize;
        if (side != size)
            crop = F.interpolate(crop, [size, size], mode: side > size ? InterpolationMode.Area : InterpolationMode.Bilinear,
                align_corners: side > size ? null : false).clamp(0, 255);
        if (random.Next(2) == 1)
            crop = crop.flip(3);
        return crop[0].contiguous().DetachFromDisposeScope();
    }
}
