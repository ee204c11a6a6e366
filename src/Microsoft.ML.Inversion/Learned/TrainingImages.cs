using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>Training images for <see cref="DecoderTrainer"/> from a folder, read one at a time.</summary>
public static class TrainingImages
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp"];

    /// <summary>
    /// A pass over the images in <paramref name="folder"/> (JPEG, PNG, BMP; not recursive), in name order, each
    /// loaded when reached as RGB 0–255 [1, 3, H, W].
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidOperationException">It holds no images.</exception>
    public static Func<IEnumerable<Tensor>> FromFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Training-image folder '{folder}' does not exist.");
        string[] files = Directory.EnumerateFiles(folder).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            throw new InvalidOperationException($"Training-image folder '{folder}' holds no JPEG, PNG or BMP images.");
        return () => files.Select(ImageTensors.Load);
    }
}
