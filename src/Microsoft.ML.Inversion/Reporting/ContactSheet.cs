using SkiaSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Reporting;

/// <summary>A labelled tile of a contact sheet: an RGB image [3, H, W] or [1, 3, H, W] with values 0–255.</summary>
/// <param name="Label">Text under the tile (one or two short lines separated by '\n').</param>
/// <param name="Image">The picture.</param>
public sealed record ContactSheetTile(string Label, Tensor Image);

/// <summary>
/// Writes a grid of labelled images to a PNG: one row per method (or image), one column per layer, with a row
/// title at the left. Labels use a system sans-serif font when one is installed and are left out otherwise.
/// </summary>
public static class ContactSheet
{
    private const int Gap = 8, LabelHeight = 34, TitleWidth = 110;

    /// <summary>Draws <paramref name="rows"/> into a PNG at <paramref name="path"/>; each tile is scaled to <paramref name="tileSize"/>.</summary>
    public static void Save(string path, IReadOnlyList<(string Title, IReadOnlyList<ContactSheetTile> Tiles)> rows, int tileSize = 224)
    {
        int columns = rows.Max(r => r.Tiles.Count);
        int width = TitleWidth + columns * (tileSize + Gap) + Gap;
        int height = rows.Count * (tileSize + LabelHeight + Gap) + Gap;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using SKTypeface? typeface = FindTypeface();
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true, TextSize = 13, Typeface = typeface };
        using var title = new SKPaint { Color = SKColors.Black, IsAntialias = true, TextSize = 15, Typeface = typeface, FakeBoldText = true };
        for (int r = 0; r < rows.Count; r++)
        {
            int top = Gap + r * (tileSize + LabelHeight + Gap);
            if (typeface is not null)
                canvas.DrawText(rows[r].Title, Gap, top + tileSize / 2f, title);
            for (int c = 0; c < rows[r].Tiles.Count; c++)
            {
                var tile = rows[r].Tiles[c];
                int left = TitleWidth + Gap + c * (tileSize + Gap);
                using SKBitmap bitmap = ToBitmap(tile.Image);
                canvas.DrawBitmap(bitmap, new SKRect(left, top, left + tileSize, top + tileSize));
                if (typeface is null)
                    continue;
                string[] lines = tile.Label.Split('\n');
                for (int l = 0; l < lines.Length && l < 2; l++)
                    canvas.DrawText(lines[l], left, top + tileSize + 14 + 15 * l, text);
            }
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        using SKImage snapshot = surface.Snapshot();
        using SKData png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        using FileStream file = File.Create(path);
        png.SaveTo(file);
    }

    private static SKBitmap ToBitmap(Tensor rgb255)
    {
        using var scope = NewDisposeScope();
        Tensor chw = rgb255.dim() == 4 ? rgb255[0] : rgb255;
        int h = (int)chw.shape[1], w = (int)chw.shape[2];
        Tensor rgba = cat([chw.detach().cpu().to_type(ScalarType.Float32), full(1, h, w, 255f)], 0);
        byte[] bytes = rgba.clamp(0, 255).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        return bitmap;
    }

    private static SKTypeface? FindTypeface()
    {
        string[] candidates =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/Library/Fonts/Arial.ttf",
            "/System/Library/Fonts/Helvetica.ttc", @"C:\Windows\Fonts\arial.ttf",
        ];
        foreach (string candidate in candidates)
            if (File.Exists(candidate) && SKTypeface.FromFile(candidate) is { } typeface)
                return typeface;
        var fallback = SKTypeface.FromFamilyName("sans-serif");
        return fallback is { GlyphCount: > 0 } ? fallback : null;
    }
}
