using System.Text;
using System.Text.Json;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measurements;
using Microsoft.ML.Inversion.Reporting;
using Microsoft.ML.Inversion.Representations;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Quality;

/// <summary>
/// The quality rows of the hand-crafted representations (HOG, HOGb, HOG Dalal–Triggs, DSIFT): each inverted
/// with the default preset (the CVPR 2015 paper's settings for them) and with naive gradient descent. Saved to
/// quality-handcrafted.json and shown in quality.md beside the ResNet18 table.
/// </summary>
internal static class HandcraftedQuality
{
    public const string FileName = "quality-handcrafted.json";

    public static void Run(string[] representations, string[] imageNames, string[] methods, int? iterations, string outFolder,
        string imagesFolder, Func<LayerSettings, LayerSettings>? customize, string command, int size)
    {
        var originals = imageNames.Select(n => ImageTensors.LoadCentered(Path.Combine(imagesFolder, n + ".png"), size, size).DetachFromDisposeScope()).ToArray();
        using var batch = cat(originals, 0);
        var rows = new List<Row>();
        var reconstructions = new Dictionary<(string, string), Tensor>();
        string machine = MachineDescription.Describe();
        Console.WriteLine($"quality (hand-crafted): {machine}");
        foreach (string name in representations)
        {
            using var representation = HandcraftedBackbone.FromName(name);
            string layer = representation.DescribeLayers(size, size)[0].Name;
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                Tensor input = representation.Preprocessing.ToNetworkInput(batch);
                Tensor centred = input - input.mean([2L, 3L], keepdim: true);
                Console.WriteLine($"{name}: in its input space the photographs' mean pixel colour norm is {input.square().sum([1L]).sqrt().mean().item<float>():F3}, " +
                                  $"their RMS colour deviation from their mean colour {centred.square().sum([1L]).mean().sqrt().item<float>():F3} (B = {representation.TypicalPixelNorm})");
            }
            foreach (string method in methods)
            {
                var inverter = new FeatureInverter(representation, layer, new InversionOptions { Preset = InversionPreset.FromName(method), Iterations = iterations, Customize = customize });
                using var result = inverter.InvertImages(batch);
                reconstructions[(method, name)] = result.Images.clone().DetachFromDisposeScope();
                for (int i = 0; i < imageNames.Length; i++)
                {
                    using var scope = NewDisposeScope();
                    Tensor reconstruction = result.Images[i], original = originals[i];
                    rows.Add(Row.Measure(name, method, imageNames[i], result.FeatureErrors[i], reconstruction, original, result.Iterations,
                        result.Seconds / imageNames.Length, result.Settings.Describe()).Print());
                }
            }
        }

        Directory.CreateDirectory(Path.Combine(outFolder, "images"));
        for (int i = 0; i < imageNames.Length; i++)
        {
            var sheetRows = methods.Select(method => (method, (IReadOnlyList<ContactSheetTile>)
                new[] { new ContactSheetTile("original", originals[i]) }
                .Concat(representations.Select(name =>
                {
                    var row = rows.Single(r => r.Layer == name && r.Method == method && r.Image == imageNames[i]);
                    return new ContactSheetTile($"{name}\nerr {row.FeatureError:F2} ncc {row.Ncc:F2} r {row.Roughness:F2}", reconstructions[(method, name)][i]);
                })).ToArray())).ToList();
            ContactSheet.Save(Path.Combine(outFolder, "images", $"quality-handcrafted-{imageNames[i]}.png"), sheetRows);
        }
        var saved = new SavedRun(DateTime.UtcNow, machine, command, rows, []);
        File.WriteAllText(Path.Combine(outFolder, FileName), JsonSerializer.Serialize(saved, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {Path.Combine(outFolder, FileName)}");
        foreach (string name in representations)
            Console.WriteLine($"{name}: {(BeatsNaive(rows, name) is { } beats ? (beats ? "beats naive" : "does NOT beat naive") : "no comparison")}");
    }

    /// <summary>Whether ours has a lower feature error than naive and a roughness closer to 1 (null: not both measured).</summary>
    public static bool? BeatsNaive(IReadOnlyList<Row> rows, string representation)
    {
        var ours = rows.Where(r => r.Layer == representation && r.Method == "default").ToArray();
        var naive = rows.Where(r => r.Layer == representation && r.Method == "naive").ToArray();
        if (ours.Length == 0 || naive.Length == 0)
            return null;
        return ours.Average(r => r.FeatureError) < naive.Average(r => r.FeatureError)
            && Math.Abs(Math.Log(ours.Average(r => r.Roughness))) < Math.Abs(Math.Log(naive.Average(r => r.Roughness)));
    }

    /// <summary>The section of quality.md for the hand-crafted representations, or null when they were not measured.</summary>
    public static string? Section(string outFolder)
    {
        string path = Path.Combine(outFolder, FileName);
        if (!File.Exists(path))
            return null;
        var saved = JsonSerializer.Deserialize<SavedRun>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty.");
        string[] names = saved.rows.Select(r => r.Layer).Distinct().ToArray();
        string[] images = saved.rows.Select(r => r.Image).Distinct().ToArray();
        var md = new StringBuilder();
        md.AppendLine("## Hand-crafted representations: HOG and dense SIFT");
        md.AppendLine();
        md.AppendLine($"Generated by `{saved.command}` on {saved.date:yyyy-MM-dd HH:mm} UTC.  ");
        md.AppendLine($"Machine: {saved.machine}.  ");
        md.AppendLine("Representations: `hog` (UoCTTI, 31 values per 8-pixel cell, hard orientation binning), `hogb` (the same with bilinear orientation binning, the CVPR paper's HOGb), " +
                      "`hog-dt` (Dalal–Triggs blocks, 36 values per cell), `dsift` (128-value SIFT descriptors, 5-pixel bins, one every 5 pixels). " +
                      "featureError is the normalised error of the representation's own features. Target: ours below naive in feature error, with roughness closer to 1.");
        md.AppendLine();
        md.AppendLine("| representation | method | featureError | ncc | roughness | PSNR | SSIM | iterations | seconds/image | beats naive |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (string name in names)
            foreach (var group in saved.rows.Where(r => r.Layer == name).GroupBy(r => r.Method))
            {
                var set = group.ToArray();
                string beats = group.Key == "default" ? BeatsNaive(saved.rows, name) switch { true => "yes", false => "**no**", null => "–" } : "";
                md.AppendLine($"| {name} | {group.Key} | {set.Average(r => r.FeatureError):F3} | {set.Average(r => r.Ncc):F3} | {set.Average(r => r.Roughness):F2} | " +
                              $"{set.Average(r => r.Psnr):F1} | {set.Average(r => r.Ssim):F3} | {set[0].Iterations} | {set.Average(r => r.Seconds):F1} | {beats} |");
            }
        md.AppendLine();
        foreach (var group in saved.rows.GroupBy(r => (r.Layer, r.Method)))
            md.AppendLine($"- {group.Key.Layer}, {group.Key.Method}: {group.First().Settings}");
        md.AppendLine();
        foreach (string image in images)
            md.AppendLine($"![{image}, hand-crafted](images/quality-handcrafted-{image}.png)");
        md.AppendLine();
        return md.ToString();
    }
}
