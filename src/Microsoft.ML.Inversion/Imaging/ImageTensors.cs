using Microsoft.ML.Data;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Imaging;

/// <summary>
/// Conversions between ML.NET's <see cref="MLImage"/>, image files and RGB tensors [N, 3, H, W] with values 0–255
/// (the form every part of the library exchanges images in).
/// </summary>
public static class ImageTensors
{
    /// <summary>Reads an image file (PNG, JPEG, BMP, ...) as an RGB tensor [1, 3, H, W], values 0–255.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an image ML.NET can decode.</exception>
    public static Tensor Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        MLImage image;
        try
        {
            image = MLImage.CreateFromFile(path);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"'{path}' is not an image that can be decoded (PNG, JPEG, BMP, GIF, WebP): {e.Message}", e);
        }
        using (image)
            return FromMLImage(image);
    }

    /// <summary>Converts an ML.NET image to an RGB tensor [1, 3, H, W], values 0–255 (alpha is dropped).</summary>
    public static Tensor FromMLImage(MLImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width <= 0 || image.Height <= 0)
            throw new ArgumentException("The image is empty (0 pixels).", nameof(image));
        if (image.BitsPerPixel != 32)
            throw new ArgumentException($"Expected a 32-bit BGRA or RGBA image; got {image.BitsPerPixel} bits per pixel.", nameof(image));
        byte[] pixels = image.Pixels.ToArray();
        using var scope = NewDisposeScope();
        Tensor hwc = tensor(pixels, [image.Height, image.Width, 4]).to_type(ScalarType.Float32);
        long[] channels = image.PixelFormat == MLPixelFormat.Bgra32 ? [2, 1, 0] : [0, 1, 2];
        using var order = tensor(channels);
        return hwc.index_select(2, order).permute(2, 0, 1).unsqueeze(0).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Converts an RGB tensor [3, H, W] or [1, 3, H, W] (values 0–255, clamped and rounded) to an ML.NET image.</summary>
    public static MLImage ToMLImage(Tensor rgb255)
    {
        using var scope = NewDisposeScope();
        Tensor chw = rgb255.dim() == 4 ? rgb255[0] : rgb255;
        if (chw.dim() != 3 || chw.shape[0] != 3)
            throw new ArgumentException($"Expected an RGB tensor [3, H, W]; got [{string.Join(", ", rgb255.shape)}].", nameof(rgb255));
        int height = (int)chw.shape[1], width = (int)chw.shape[2];
        Tensor rgba = cat([chw.detach().cpu().to_type(ScalarType.Float32), full(1, height, width, 255f)], 0);
        byte[] bytes = rgba.clamp(0, 255).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, bytes);
    }

    /// <summary>Saves an RGB tensor (values 0–255) as an image file; the extension picks the format (.png, .jpg).</summary>
    public static void Save(Tensor rgb255, string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        using var image = ToMLImage(rgb255);
        image.Save(path);
    }

    /// <summary>Images [N, 3, H, W] (0–255) resampled bilinearly to <paramref name="height"/>×<paramref name="width"/>; the same tensor when already that size.</summary>
    public static Tensor Resize(Tensor images, long height, long width) =>
        images.shape[2] == height && images.shape[3] == width
            ? images
            : nn.functional.interpolate(images, [height, width], mode: InterpolationMode.Bilinear, align_corners: false).clamp(0, 255);

    /// <summary>
    /// Scales images [N, 3, H, W] so the shorter side matches the target, then crops the centre to
    /// <paramref name="height"/>×<paramref name="width"/> (the evaluation crop of ImageNet models). Downscaling
    /// averages areas, so no aliasing.
    /// </summary>
    public static Tensor CenterCropResize(Tensor images, long height, long width)
    {
        using var scope = NewDisposeScope();
        long h = images.shape[2], w = images.shape[3];
        double scale = Math.Max((double)height / h, (double)width / w);
        long scaledH = Math.Max(height, (long)Math.Round(h * scale)), scaledW = Math.Max(width, (long)Math.Round(w * scale));
        Tensor resized = scaledH == h && scaledW == w
            ? images
            : F.interpolate(images, [scaledH, scaledW], mode: scale < 1 ? InterpolationMode.Area : InterpolationMode.Bilinear,
                align_corners: scale < 1 ? null : false);
        long top = (scaledH - height) / 2, left = (scaledW - width) / 2;
        return resized.slice(2, top, top + height, 1).slice(3, left, left + width, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Reads an image file and centre-crops it to the given size: [1, 3, height, width], values 0–255.</summary>
    public static Tensor LoadCentered(string path, long height, long width)
    {
        using var image = Load(path);
        return CenterCropResize(image, height, width);
    }
}
