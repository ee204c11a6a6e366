using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>Reads and checks the image of one row for the image steps.</summary>
internal static class ImageRows
{
    /// <summary>A getter-backed reader of an <c>MLImage</c> column.</summary>
    public static Func<object?> Reader(DataViewRow row, string column)
    {
        var image = row.GetGetter<MLImage>(row.Schema[column]);
        return () =>
        {
            MLImage value = null!;
            image(ref value);
            return value;
        };
    }

    /// <summary>A reader of the options' path column, or null when there is none.</summary>
    public static Func<string?>? PathReader(DataViewRow row, ImageInputOptions options)
    {
        if (options.PathColumnName is not { } column)
            return null;
        var path = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[column]);
        return () =>
        {
            ReadOnlyMemory<char> value = default;
            path(ref value);
            return $"file '{value}'";
        };
    }

    /// <summary>Throws ML.NET's schema mismatch unless the options' path column holds text.</summary>
    public static void CheckPathColumn(DataViewSchema schema, ImageInputOptions options)
    {
        if (options.PathColumnName is { } column && schema[column].Type is not TextDataViewType)
            throw SchemaErrors.Mismatch(column, "text (the image file's path)", $"{schema[column].Type}");
    }

    /// <summary>
    /// The row's image as RGB 0–255 [1, 3, height, width] (centre-cropped and scaled), or why the row is bad.
    /// </summary>
    public static string? TryRead(MLImage? image, ImageInputOptions options, int height, int width, out Tensor? input)
    {
        input = null;
        if (Problem(image, options) is { } problem)
            return problem;
        using Tensor rgb = ImageTensors.FromMLImage(image!);
        input = ImageTensors.CenterCropResize(rgb, height, width);
        return null;
    }

    /// <summary>Why the row's image cannot be used (missing, too small, not 32-bit, transparent, unwanted grayscale), or null.</summary>
    public static string? Problem(MLImage? image, ImageInputOptions options)
    {
        string column = options.InputColumn;
        if (image is null || image.Width == 0 || image.Height == 0)
            return $"the image in column '{column}' is missing or empty (did LoadImages fail to read the file?)";
        if (image.Width < options.MinimumImageSize || image.Height < options.MinimumImageSize)
            return $"the image in column '{column}' is {image.Width}×{image.Height}, smaller than the minimum {options.MinimumImageSize}×{options.MinimumImageSize}";
        if (image.BitsPerPixel != 32)
            return $"the image in column '{column}' has {image.BitsPerPixel} bits per pixel; expected 32-bit BGRA or RGBA";
        ReadOnlySpan<byte> pixels = image.Pixels;
        bool grayscale = true, opaque = true;
        for (int p = 0; p + 3 < pixels.Length && (grayscale || opaque); p += 4)
        {
            grayscale &= pixels[p] == pixels[p + 1] && pixels[p + 1] == pixels[p + 2];
            opaque &= pixels[p + 3] == 255;
        }
        if (!opaque)
            return $"the image in column '{column}' has transparent pixels (an alpha channel); flatten it onto a background first";
        if (grayscale && !options.AcceptGrayscale)
            return $"the image in column '{column}' is grayscale (all channels equal) but the backbone expects colour; set AcceptGrayscale = true to use it as RGB";
        return null;
    }

    /// <summary>Prepares an image row: the tensor outside any dispose scope, or the row's problem.</summary>
    public static PreparedRow Prepare(long row, object? value, ImageInputOptions options, int height, int width)
    {
        using var scope = NewDisposeScope();
        string? problem = TryRead(value as MLImage, options, height, width, out Tensor? input);
        return new PreparedRow(row, input?.DetachFromDisposeScope(), problem);
    }

    /// <summary>Whether a schema-shape column holds one image.</summary>
    public static bool IsImage(SchemaShape.Column column) =>
        column.ItemType is Microsoft.ML.Transforms.Image.ImageDataViewType && column.Kind == SchemaShape.Column.VectorKind.Scalar;
}
