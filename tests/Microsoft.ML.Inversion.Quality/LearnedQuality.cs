using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Learned;
using Microsoft.ML.Inversion.Measurements;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Reporting;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Quality;

/// <summary>
/// Issue 20's measurements: trains a decoder per layer on the tuning photographs (time-limited), then measures the
/// decoder's speed at batch 16 and its reconstructions of the report photographs, alone and refined, and writes
/// docs/learned.md, contact sheets and the decoders.
/// </summary>
internal static class LearnedQuality
{
    private const string SectionFile = "quality-learned.md";

    /// <summary>The learned rows for quality.md, when a learned run has written them.</summary>
    public static string? Section(string outFolder) =>
        File.Exists(Path.Combine(outFolder, SectionFile)) ? File.ReadAllText(Path.Combine(outFolder, SectionFile)) : null;

    public static void Run(string[] layers, string[] imageNames, string outFolder, string imagesFolder, double trainMinutes, int cropSize, int refineSteps,
        double refineRate, string? decoders, string command, int size)
    {
        using var backbone = PretrainedBackbones.ResNet18();
        string machine = MachineDescription.Describe();
        var originals = imageNames.Select(n => ImageTensors.LoadCentered(Path.Combine(imagesFolder, n + ".png"), size, size).DetachFromDisposeScope()).ToArray();
        using var batch = cat(originals, 0);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Learned decoders (issue 20): measured {DateTime.Now:yyyy-MM-dd HH:mm}");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. Command: `{command}`.");
        report.AppendLine();
        var sheetRows = new List<(string, IReadOnlyList<ContactSheetTile>)> { ("original", originals.Select((o, i) => new ContactSheetTile(imageNames[i], o)).ToList()) };
        var summary = new List<string>();
        foreach (string layer in layers)
        {
            var curve = new List<DecoderTrainingProgress>();
            var options = new DecoderTrainingOptions { Epochs = 10_000, CropSize = cropSize, TimeLimit = TimeSpan.FromMinutes(trainMinutes) };
            var clock = Stopwatch.StartNew();
            string decoderPath = Path.Combine(outFolder, "learned", $"{layer}.decoder");
            Directory.CreateDirectory(Path.GetDirectoryName(decoderPath)!);
            using var decoder = decoders is not null ? LearnedDecoder.Load(Path.Combine(decoders, $"{layer}.decoder"), backbone.Device) : Train(backbone, layer, options, curve, imagesFolder, trainMinutes);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            if (decoders is null)
                decoder.Save(decoderPath);

            double imagesPerSecond = DecoderSpeed(backbone, decoder, layer, size);
            using var alone = new LearnedInverter(backbone, decoder).InvertImages(batch);
            using var refined = new LearnedInverter(backbone, decoder, refineSteps, LearnedInverter.RefinementOptions(refineSteps, refineRate)).InvertImages(batch);
            // The default preset on the same photographs in the same run, so the time comparison is side by side.
            using var optimised = new FeatureInverter(backbone, layer, new InversionOptions { Preset = InversionPreset.Default }).InvertImages(batch);
            double defaultSeconds = optimised.Seconds / imageNames.Length, defaultError = optimised.FeatureErrors.Average();
            double defaultNcc = Enumerable.Range(0, imageNames.Length).Average(i => ImageMeasures.Ncc(optimised.Images[i].unsqueeze(0), originals[i]));

            report.AppendLine(CultureInfo.InvariantCulture, $"## {layer}");
            report.AppendLine();
            if (decoders is not null)
                report.AppendLine(CultureInfo.InvariantCulture, $"Decoder loaded from {decoders} (not trained in this run); decoder alone at 224×224, batch 16: {imagesPerSecond:F1} images/s.");
            else
                report.AppendLine(CultureInfo.InvariantCulture, $"Trained {curve.Count} steps ({curve.LastOrDefault()?.Epoch + 1} epochs of {options.CropsPerImage} crops per tuning photograph, batch {options.BatchSize}, crops {cropSize}×{cropSize}) in {trainSeconds / 60:F1} min at {curve.LastOrDefault()?.ImagesPerSecond:F1} crops/s; decoder alone at 224×224, batch 16: {imagesPerSecond:F1} images/s.");
            report.AppendLine();
            report.AppendLine("Loss curve (mean of each tenth of the run):");
            report.AppendLine();
            report.AppendLine("| steps | loss | pixel | feature |");
            report.AppendLine("|---|---|---|---|");
            foreach (var chunk in curve.Chunk(Math.Max(1, curve.Count / 10)))
                report.AppendLine(CultureInfo.InvariantCulture, $"| {chunk[0].Step}–{chunk[^1].Step} | {chunk.Average(c => c.Loss):F4} | {chunk.Average(c => c.PixelLoss):F4} | {chunk.Average(c => c.FeatureLoss):F3} |");
            report.AppendLine();
            report.AppendLine("| method | image | feature error | ncc | contrast | roughness | seconds/image |");
            report.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var (name, result) in new[] { ("learned", alone), ($"learned+refine {refineSteps}", refined) })
            {
                var tiles = new List<ContactSheetTile>();
                var nccs = new List<double>();
                for (int i = 0; i < imageNames.Length; i++)
                {
                    Tensor image = result.Images[i].unsqueeze(0), original = originals[i];
                    double ncc = ImageMeasures.Ncc(image, original), contrast = ImageMeasures.Contrast(image, original), rough = ImageMeasures.Roughness(image, original);
                    nccs.Add(ncc);
                    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {imageNames[i]} | {result.FeatureErrors[i]:F3} | {ncc:F3} | {contrast:F2} | {rough:F2} | {result.Seconds / imageNames.Length:F2} |");
                    tiles.Add(new ContactSheetTile($"{layer} {name}\nerr {result.FeatureErrors[i]:F2} ncc {ncc:F2}", image));
                }
                sheetRows.Add(($"{layer} {name}", tiles));
                double seconds = result.Seconds / imageNames.Length;
                string reaches = result.FeatureErrors.Average() <= defaultError && nccs.Average() >= defaultNcc ? "yes" : "no";
                string quarter = seconds <= defaultSeconds / 4 ? "yes" : "no";
                summary.Add(string.Create(CultureInfo.InvariantCulture, $"| {layer} | {name} | {result.FeatureErrors.Average():F3} | {nccs.Average():F3} | {seconds:F2} | {defaultError:F3} / {defaultNcc:F3} / {defaultSeconds:F2} | {reaches} | {quarter} ({defaultSeconds / 4:F2} s) |"));
            }
            report.AppendLine();
            Console.WriteLine(string.Join("\n", summary.TakeLast(2)));
        }
        report.AppendLine("## Summary (means over the report photographs)");
        report.AppendLine();
        report.AppendLine("| layer | method | feature error | ncc | seconds/image | default preset, same run: error / ncc / seconds | reaches the default's error and ncc | ≤ a quarter of its time |");
        report.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (string line in summary)
            report.AppendLine(line);
        ContactSheet.Save(Path.Combine(outFolder, "images", "learned.png"), sheetRows);
        report.AppendLine();
        report.AppendLine("![contact sheet](images/learned.png)");
        File.WriteAllText(Path.Combine(outFolder, "learned-measured.md"), report.ToString());
        var section = new StringBuilder();
        section.AppendLine();
        section.AppendLine(CultureInfo.InvariantCulture, $"## Learned decoders (`learned`, `learned+refine`), measured {DateTime.Now:yyyy-MM-dd HH:mm} by `{command}`");
        section.AppendLine();
        section.AppendLine("Means over the same three photographs at 224×224, with the default preset run on them in the same run (batch of 3); details, loss curves and the contact sheet in [learned.md](learned.md).");
        section.AppendLine();
        section.AppendLine("| layer | method | featureError | ncc | seconds/image | default preset, same run: featureError / ncc / seconds | reaches the default's error and ncc | ≤ a quarter of its time |");
        section.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (string line in summary)
            section.AppendLine(line);
        section.AppendLine();
        File.WriteAllText(Path.Combine(outFolder, SectionFile), section.ToString());
        Console.WriteLine(report);
    }

    private static LearnedDecoder Train(Backbone backbone, string layer, DecoderTrainingOptions options, List<DecoderTrainingProgress> curve, string imagesFolder, double minutes)
    {
        Console.WriteLine($"learned {layer}: training for {minutes} min on {Path.Combine(imagesFolder, "tuning")}");
        return new DecoderTrainer(backbone, layer, options)
        {
            Progress = new Progress(p =>
            {
                curve.Add(p);
                if (p.Step % 20 == 0)
                    Console.WriteLine($"  epoch {p.Epoch} step {p.Step} loss {p.Loss:F4} (pixel {p.PixelLoss:F4}, feature {p.FeatureLoss:F3}) {p.ImagesPerSecond:F1} crops/s");
            }),
        }.Train(TrainingImages.FromFolder(Path.Combine(imagesFolder, "tuning")));
    }

    // Decoder forward passes per second at batch 16 (features computed beforehand; the best of three runs).
    private static double DecoderSpeed(Backbone backbone, LearnedDecoder decoder, string layer, int size)
    {
        using var scope = NewDisposeScope();
        Tensor features;
        using (no_grad())
            features = backbone.Featurize(rand(16, 3, size, size) * 255, layer);
        decoder.Decode(features[..2]).Dispose();
        double best = double.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            decoder.Decode(features).Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 16 / best;
    }

    private sealed class Progress(Action<DecoderTrainingProgress> report) : IProgress<DecoderTrainingProgress>
    {
        public void Report(DecoderTrainingProgress value) => report(value);
    }
}
