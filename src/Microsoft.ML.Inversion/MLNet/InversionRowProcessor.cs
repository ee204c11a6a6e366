using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Validates a batch of rows, inverts the good ones together and turns the results into ML.NET values. Shared by
/// the cursor (batches) and the row mapper (single rows).
/// </summary>
internal sealed class InversionRowProcessor
{
    private readonly ImageInversionTransformer _transformer;

    public InversionRowProcessor(ImageInversionTransformer transformer) => _transformer = transformer;

    private ImageInversionOptions Options => _transformer.Options;

    /// <summary>
    /// Reads one row's input value (an MLImage or a VBuffer&lt;float&gt;) into a tensor right away, so the source
    /// may reuse or dispose its value when its cursor moves on.
    /// </summary>
    public PreparedRow Prepare(long row, object? value)
    {
        using var scope = NewDisposeScope();
        string? problem = _transformer.InputKind == InversionInputKind.Image
            ? TryImage(value as MLImage, out Tensor? input)
            : TryFeatures(value, out input);
        return new PreparedRow(row, input?.DetachFromDisposeScope(), problem);
    }

    /// <summary>Inverts the good rows of a batch together; bad rows throw or come back empty, per the policy.</summary>
    public RowResult[] Run(IReadOnlyList<PreparedRow> rows)
    {
        var results = new RowResult[rows.Count];
        var good = PreparedRow.SplitBadRows(rows, results, Options.BadRows, _transformer.Log);
        if (good.Count == 0)
            return results;
        using var scope = NewDisposeScope();
        Tensor batch = cat(good.Select(g => g.Row.Input!).ToArray(), 0);
        long firstRow = good[0].Row.Row;
        var options = _transformer.CreateEngineOptions(Options.Progress is null ? null : new RowProgress(Options.Progress, firstRow));
        long[] seeds = good.Select(g => Options.Seed + g.Row.Row).ToArray();
        using OptimizationResult result = Options.Task == ImageInversionTask.Caricature
            ? new Caricaturist(_transformer.Backbone, Options.Layer, options).Caricature(batch, seeds, Options.CancellationToken)
            : _transformer.InputKind == InversionInputKind.Image
                ? new FeatureInverter(_transformer.Backbone, Options.Layer, options).InvertImages(batch, seeds, Options.CancellationToken)
                : new FeatureInverter(_transformer.Backbone, Options.Layer, options).InvertFeatures(batch, _transformer.ImageHeight, _transformer.ImageWidth, seeds, Options.CancellationToken);
        IReadOnlyList<double> scores = result is InversionResult inversion ? inversion.FeatureErrors : ((VisualizationResult)result).Scores;
        Tensor images = result.Images;
        if (images.shape[2] != _transformer.OutputHeight || images.shape[3] != _transformer.OutputWidth)
            images = F.interpolate(images, [_transformer.OutputHeight, _transformer.OutputWidth], mode: InterpolationMode.Bilinear, align_corners: false).clamp(0, 255);
        for (int k = 0; k < good.Count; k++)
            results[good[k].Slot] = new RowResult(ImageTensors.ToMLImage(images[k]), (float)scores[k], result.Iterations);
        string what = Options.Task == ImageInversionTask.Caricature ? "caricatured" : "inverted";
        string score = Options.Task == ImageInversionTask.Caricature ? "mean ⟨Φ(x),Φ0⟩/‖Φ0‖²" : "mean feature error";
        _transformer.Log($"Rows {good[0].Row.Row}–{good[^1].Row.Row}: {what} {good.Count} at layer '{Options.Layer}' in {result.Seconds:F1} s, {score} {scores.Average():F3}.");
        return results;
    }

    private string? TryImage(MLImage? image, out Tensor? input)
    {
        input = null;
        string column = Options.InputColumn;
        if (image is null || image.Width == 0 || image.Height == 0)
            return $"the image in column '{column}' is missing or empty (did LoadImages fail to read the file?)";
        if (image.Width < Options.MinimumImageSize || image.Height < Options.MinimumImageSize)
            return $"the image in column '{column}' is {image.Width}×{image.Height}, smaller than the minimum {Options.MinimumImageSize}×{Options.MinimumImageSize}";
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
        if (grayscale && !Options.AcceptGrayscale)
            return $"the image in column '{column}' is grayscale (all channels equal) but the backbone expects colour; set AcceptGrayscale = true to invert it as RGB";
        using Tensor rgb = ImageTensors.FromMLImage(image);
        input = ImageTensors.CenterCropResize(rgb, _transformer.ImageHeight, _transformer.ImageWidth);
        return null;
    }

    private string? TryFeatures(object? value, out Tensor? input)
    {
        input = null;
        string column = Options.InputColumn;
        if (value is not VBuffer<float> buffer)
            return $"column '{column}' holds no feature vector";
        float[] dense = new float[buffer.Length];
        buffer.CopyTo(dense);
        int bad = Array.FindIndex(dense, v => !float.IsFinite(v));
        if (bad >= 0)
            return $"the feature vector in column '{column}' has a {(float.IsNaN(dense[bad]) ? "NaN" : "infinite")} value at index {bad}";
        if (dense.All(v => v == 0))
            return $"the feature vector in column '{column}' is all zeros: there is nothing to reconstruct";
        input = tensor(dense).unsqueeze(0);
        return null;
    }

    /// <summary>Adds the batch's first row to the engine's progress reports.</summary>
    internal sealed class RowProgress(IProgress<InversionProgress> inner, long row) : IProgress<InversionProgress>
    {
        public void Report(InversionProgress value) => inner.Report(value with { Row = row });
    }
}
