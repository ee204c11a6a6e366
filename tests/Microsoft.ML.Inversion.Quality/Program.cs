using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measurements;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Quality;
using Microsoft.ML.Inversion.Reporting;
using static TorchSharp.torch;

// The quality command: inverts the three shared photographs at every alias layer of the built-in ResNet18 with
// the default preset and with the naive method, and writes docs/quality.md, docs/quality.json and contact sheets.
//   dotnet run --project tests/Microsoft.ML.Inversion.Quality -c Release -- [--layers a,b] [--images a,b]
//       [--methods default,naive] [--iterations N] [--out DIR] [--images-dir DIR] [--set key=value,...]
//   ... --representations hog,hogb,hog-dt,dsift   inverts the hand-crafted representations instead (their own
//       section of quality.md, kept in quality-handcrafted.json)
//   ... --learned stage2,stage3 [--train-minutes 45] [--crop 128] [--refine 80] [--refine-lr 0.01] [--decoders DIR]   trains (or loads from DIR) a decoder per layer
//       on tests/images/tuning and measures it on the report photographs, alone and refined (docs/learned-measured.md)
//   ... --visualizations caricature=stage2,maximize=stage3   measures caricatures and activation maximisation
//       against issue 9's targets (docs/visualization-quality.md)
// ... --unfolded   the built-in ResNet18 with its BatchNormalization not folded (the graph as written), for comparison
// --set changes the settings of every method for experiments: C, tv, alphaweight, alpha, beta, tvform (isotropic|anisotropic), lr, jitter (T), param (pixels|fourier),
// optimizer (rms|sgd|adam), scalerotate (on|off); the tuning notes in docs/quality.md give the commands used.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var arguments = ParseArguments(args);
string[] layers = arguments.GetValueOrDefault("layers", string.Join(",", PretrainedBackbones.ResNet18Layers)).Split(',');
string imagesFolder = arguments.GetValueOrDefault("images-dir", Path.Combine("tests", "images"));
// --images all takes every photograph of --images-dir (e.g. tests/images/tuning, the tuning set).
string[] imageNames = arguments.GetValueOrDefault("images", "astronaut,chelsea,coffee") is "all"
    ? Directory.GetFiles(imagesFolder).Where(f => Path.GetExtension(f).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray()
    : arguments.GetValueOrDefault("images", "astronaut,chelsea,coffee").Split(',');
string[] methods = arguments.GetValueOrDefault("methods", "default,naive").Split(',');
int? iterations = arguments.TryGetValue("iterations", out var it) ? int.Parse(it) : null;
string outFolder = arguments.GetValueOrDefault("out", "docs");
Func<LayerSettings, LayerSettings>? customize = arguments.TryGetValue("set", out var set) ? SettingsOverride.Parse(set) : null;
const int Size = 224;

string command = "./build.sh quality" + (args.Length > 0 ? " " + string.Join(" ", args) : "");
if (arguments.ContainsKey("report-only"))
    return RenderSaved();
if (arguments.TryGetValue("visualizations", out var visualizationLayers))
{
    // --visualizations caricature=stage2,maximize=stage3 (either part may be left out)
    var parts = visualizationLayers.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
    VisualizationQuality.Run(imageNames, parts.GetValueOrDefault("caricature"), parts.GetValueOrDefault("maximize"), iterations, outFolder, imagesFolder, customize, command, Size);
    return 0;
}
if (arguments.TryGetValue("learned", out var learnedLayers))
{
    // --learned stage2,stage3 [--train-minutes M] [--crop S] [--refine K] [--refine-lr R]: trains decoders on tests/images/tuning (issue 20)
    LearnedQuality.Run(learnedLayers.Split(','), imageNames, outFolder, imagesFolder, double.Parse(arguments.GetValueOrDefault("train-minutes", "45")),
        int.Parse(arguments.GetValueOrDefault("crop", "128")), int.Parse(arguments.GetValueOrDefault("refine", "80")),
        double.Parse(arguments.GetValueOrDefault("refine-lr", "0.01")), arguments.GetValueOrDefault("decoders"), command, Size);
    return 0;
}
if (arguments.TryGetValue("representations", out var representationList))
{
    HandcraftedQuality.Run(representationList.Split(','), imageNames, methods, iterations, outFolder, imagesFolder, customize, command, Size);
    // quality.md shows both tables: re-render it with the new hand-crafted rows when the network's rows exist.
    return File.Exists(Path.Combine(outFolder, "quality.json")) ? RenderSaved() : 0;
}

if (arguments.ContainsKey("fit-texture"))
    return TextureFit.Run(layers, imageNames.Select(n => ImageFile(imagesFolder, n)).ToArray(), Size, double.Parse(arguments.GetValueOrDefault("ridge", "0.01"), System.Globalization.CultureInfo.InvariantCulture));
if (arguments.ContainsKey("feature-variation"))
    return FeatureVariation.Print(layers, imageNames.Select(n => ImageFile(imagesFolder, n)).ToArray(), Size);

// --unfolded runs the graph as written (no BatchNormalization folding), to compare the figures with the folded default.
using var backbone = PretrainedBackbones.ResNet18(foldBatchNormalization: !arguments.ContainsKey("unfolded"));
var originals = imageNames.Select(n => ImageTensors.LoadCentered(ImageFile(imagesFolder, n), Size, Size).DetachFromDisposeScope()).ToArray();
using var batch = cat(originals, 0);
var rows = new List<Row>();
var reconstructions = new Dictionary<(string Method, string Layer), Tensor>();
string machine = MachineDescription.Describe();
Console.WriteLine($"quality: {machine}");

foreach (string layer in layers)
{
    foreach (string method in methods)
    {
        var preset = InversionPreset.FromName(method);
        var inverter = new FeatureInverter(backbone, layer, new InversionOptions { Preset = preset, Iterations = iterations, Customize = customize });
        using var result = inverter.InvertImages(batch);
        reconstructions[(method, layer)] = result.Images.clone().DetachFromDisposeScope();
        for (int i = 0; i < imageNames.Length; i++)
        {
            using var scope = NewDisposeScope();
            Tensor reconstruction = result.Images[i], original = originals[i];
            rows.Add(Row.Measure(layer, method, imageNames[i], result.FeatureErrors[i], reconstruction, original, result.Iterations,
                result.Seconds / imageNames.Length, result.Settings.Describe()).Print());
        }
    }
}

var floor = MeanImageFloor(backbone, layers, imageNames, originals);

Directory.CreateDirectory(Path.Combine(outFolder, "images"));
for (int i = 0; i < imageNames.Length; i++)
{
    var sheetRows = methods.Select(method => (method, (IReadOnlyList<ContactSheetTile>)
        new[] { new ContactSheetTile("original", originals[i]) }
        .Concat(layers.Select(layer =>
        {
            var row = rows.Single(r => r.Layer == layer && r.Method == method && r.Image == imageNames[i]);
            return new ContactSheetTile($"{layer}\nerr {row.FeatureError:F2} ncc {row.Ncc:F2} r {row.Roughness:F2}", reconstructions[(method, layer)][i]);
        })).ToArray())).ToList();
    ContactSheet.Save(Path.Combine(outFolder, "images", $"quality-{imageNames[i]}.png"), sheetRows);
}

var date = DateTime.UtcNow;
File.WriteAllText(Path.Combine(outFolder, "quality.md"), Report(rows, floor, layers, methods, imageNames, imagesFolder, machine, command, backbone, date, ExtraSections(outFolder), TuningSetSection.Section(outFolder)));
File.WriteAllText(Path.Combine(outFolder, "quality.json"), JsonSerializer.Serialize(new SavedRun(date, machine, command, rows, floor), new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"wrote {Path.Combine(outFolder, "quality.md")}");
int met = layers.Count(l => MeetsTargets(rows, l) is true);
Console.WriteLine($"targets met: {met}/{layers.Count(l => QualityTarget.ResNet18.Any(t => t.Layer == l))} layers");
return 0;

// Re-renders docs/quality.md from the reconstructions' measurements in quality.json (same date, machine and
// command) and the hand-crafted rows, e.g. after the tuning notes changed. Only the mean-image floor, which
// needs no optimisation, is measured again.
int RenderSaved()
{
    var saved = JsonSerializer.Deserialize<SavedRun>(File.ReadAllText(Path.Combine(outFolder, "quality.json")))
        ?? throw new InvalidDataException("quality.json is empty.");
    string[] savedLayers = saved.rows.Select(r => r.Layer).Distinct().ToArray();
    string[] savedMethods = saved.rows.Select(r => r.Method).Distinct().ToArray();
    string[] savedImages = saved.rows.Select(r => r.Image).Distinct().ToArray();
    using var network = PretrainedBackbones.ResNet18();
    var photos = savedImages.Select(n => ImageTensors.LoadCentered(ImageFile(imagesFolder, n), Size, Size).DetachFromDisposeScope()).ToArray();
    var savedFloor = MeanImageFloor(network, savedLayers, savedImages, photos);
    File.WriteAllText(Path.Combine(outFolder, "quality.json"),
        JsonSerializer.Serialize(saved with { floor = savedFloor }, new JsonSerializerOptions { WriteIndented = true }));
    File.WriteAllText(Path.Combine(outFolder, "quality.md"),
        Report(saved.rows, savedFloor, savedLayers, savedMethods, savedImages, imagesFolder, saved.machine, saved.command, network, saved.date, ExtraSections(outFolder), TuningSetSection.Section(outFolder)));
    Console.WriteLine($"re-rendered {Path.Combine(outFolder, "quality.md")} from quality.json");
    return 0;
}

// A photograph by name, with or without its extension (.png for the report set, .jpg for the tuning set).
static string ImageFile(string folder, string name) =>
    new[] { name, name + ".png", name + ".jpg" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists)
    ?? throw new FileNotFoundException($"No photograph '{name}' (.png or .jpg) in {folder}.");

// The floor: what a reconstruction that knows nothing (the backbone's mean image) scores.
static List<Row> MeanImageFloor(Backbone backbone, string[] layers, string[] imageNames, Tensor[] originals)
{
    var floor = new List<Row>();
    using var scope = NewDisposeScope();
    using var noGrad = no_grad();
    Tensor meanImage = backbone.Preprocessing.MeanImage(Size, Size).clamp(0, 255);
    foreach (string layer in layers)
    {
        Tensor meanFeatures = backbone.Featurize(meanImage, layer);
        for (int i = 0; i < imageNames.Length; i++)
        {
            Tensor target = backbone.Featurize(originals[i], layer);
            double error = ((meanFeatures - target).norm() / target.norm()).item<float>();
            floor.Add(Row.Measure(layer, "mean image", imageNames[i], error, meanImage, originals[i], 0, 0, "no information"));
        }
    }
    return floor;
}

static bool? MeetsTargets(IEnumerable<Row> rows, string layer)
{
    var target = QualityTarget.ResNet18.FirstOrDefault(t => t.Layer == layer);
    var ours = rows.Where(r => r.Layer == layer && r.Method == "default").ToArray();
    if (target is null || ours.Length == 0)
        return null;
    double fe = ours.Average(r => r.FeatureError), ncc = ours.Average(r => r.Ncc), rough = ours.Average(r => r.Roughness);
    return fe <= target.MaxFeatureError && ncc >= target.MinNcc && rough >= target.MinRoughness && rough <= target.MaxRoughness;
}

// The sections other commands keep for quality.md: hand-crafted representations and learned decoders.
static string? ExtraSections(string outFolder) =>
    HandcraftedQuality.Section(outFolder) is var handcrafted && LearnedQuality.Section(outFolder) is var learned && (handcrafted ?? learned) is null ? null : handcrafted + learned;

static string Report(List<Row> rows, List<Row> floor, string[] layers, string[] methods, string[] images, string imagesFolderName, string machine, string command, Backbone backbone, DateTime date, string? handcraftedSection, string? tuningSection = null)
{
    var md = new StringBuilder();
    md.AppendLine("# Quality of the inversions");
    md.AppendLine();
    md.AppendLine($"Generated by `{command}` on {date:yyyy-MM-dd HH:mm} UTC.  ");
    md.AppendLine($"Machine: {machine}.  ");
    md.AppendLine($"Backbone: built-in {backbone.Name} (ML.NET's ImageNet ResNet18), {images.Length} images ({string.Join(", ", images.Take(6))}{(images.Length > 6 ? ", …" : "")}) from `{imagesFolderName}`, 224×224 centre crop, pixel scale B = {backbone.TypicalPixelNorm}.");
    md.AppendLine();
    md.AppendLine("Measures (means over the images): **featureError** = ‖Φ(x)−Φ0‖/‖Φ0‖ at the end; **ncc** = Pearson correlation of luminance with the original; " +
                  "**roughness** = mean absolute neighbour difference over the original's (1 is natural, 2–6 is noise, below 0.5 washed out); " +
                  "**contrast** = standard deviation of the luminance over the original's (1 is the original's, 0 flat grey); PSNR (dB) and SSIM (11×11 Gaussian, σ 1.5, luminance).");
    md.AppendLine();
    md.AppendLine("## Targets and the default preset");
    md.AppendLine();
    md.AppendLine("| layer | featureError (target ≤) | ncc (target ≥) | roughness (target window) | met |");
    md.AppendLine("|---|---|---|---|---|");
    foreach (string layer in layers)
    {
        var target = QualityTarget.ResNet18.FirstOrDefault(t => t.Layer == layer);
        var ours = rows.Where(r => r.Layer == layer && r.Method == "default").ToArray();
        if (target is null || ours.Length == 0)
            continue;
        double fe = ours.Average(r => r.FeatureError), ncc = ours.Average(r => r.Ncc), rough = ours.Average(r => r.Roughness);
        string Mark(bool ok) => ok ? "✓" : "✗";
        md.AppendLine($"| {layer} | {fe:F3} ({target.MaxFeatureError:F2}) {Mark(fe <= target.MaxFeatureError)} | {ncc:F3} ({target.MinNcc:F2}) {Mark(ncc >= target.MinNcc)} | " +
                      $"{rough:F2} ({target.MinRoughness}–{target.MaxRoughness}) {Mark(rough >= target.MinRoughness && rough <= target.MaxRoughness)} | {(MeetsTargets(rows, layer) == true ? "yes" : "**no**")} |");
    }
    md.AppendLine();
    md.AppendLine("Issue 18 adds two targets for the default preset: contrast at least 0.5 at every layer (mean over the images), and every photograph's roughness inside its layer's window, not only the mean:");
    md.AppendLine();
    md.AppendLine("| layer | contrast (target ≥ 0.5) | photographs inside the roughness window | outside |");
    md.AppendLine("|---|---|---|---|");
    foreach (string layer in layers)
    {
        var target = QualityTarget.ResNet18.FirstOrDefault(t => t.Layer == layer);
        var ours = rows.Where(r => r.Layer == layer && r.Method == "default").ToArray();
        if (target is null || ours.Length == 0)
            continue;
        var outside = ours.Where(r => r.Roughness < target.MinRoughness || r.Roughness > target.MaxRoughness).ToArray();
        double contrast = ours.Average(r => r.Contrast);
        md.AppendLine($"| {layer} | {contrast:F2} {(contrast >= 0.5 ? "✓" : "✗")} | {ours.Length - outside.Length} of {ours.Length} {(outside.Length == 0 ? "✓" : "✗")} | " +
                      $"{(outside.Length == 0 ? "" : string.Join(", ", outside.Select(r => $"{r.Image} {r.Roughness:F2}")))} |");
    }
    md.AppendLine();
    if (methods.Contains("naive") && methods.Contains("default"))
    {
        md.AppendLine("From stage1 on, ours must beat naive on ncc and on roughness (closer to 1):");
        md.AppendLine();
        md.AppendLine("| layer | ncc ours vs naive | roughness ours vs naive | beats naive |");
        md.AppendLine("|---|---|---|---|");
        foreach (string layer in layers)
        {
            var ours = rows.Where(r => r.Layer == layer && r.Method == "default").ToArray();
            var naive = rows.Where(r => r.Layer == layer && r.Method == "naive").ToArray();
            if (ours.Length == 0 || naive.Length == 0)
                continue;
            double on = ours.Average(r => r.Ncc), nn = naive.Average(r => r.Ncc), or = ours.Average(r => r.Roughness), nr = naive.Average(r => r.Roughness);
            bool beats = on > nn && Math.Abs(Math.Log(or)) < Math.Abs(Math.Log(nr));
            md.AppendLine($"| {layer} | {on:F3} vs {nn:F3} | {or:F2} vs {nr:F2} | {(beats ? "yes" : "**no**")} |");
        }
        md.AppendLine();
    }
    if (methods.Contains("default") && methods.Contains(InversionPreset.Default2026November.Name))
        md.Append(TimeComparison(rows, layers));
    if (tuningSection is not null)
        md.Append(tuningSection);
    md.AppendLine("## All measurements (means over the images)");
    md.AppendLine();
    md.AppendLine("| layer | method | featureError | ncc | roughness | contrast | PSNR | SSIM | iterations | seconds/image |");
    md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (string layer in layers)
        foreach (string method in methods.Append("mean image"))
        {
            var set = (method == "mean image" ? floor : rows).Where(r => r.Layer == layer && r.Method == method).ToArray();
            if (set.Length == 0)
                continue;
            md.AppendLine($"| {layer} | {method} | {set.Average(r => r.FeatureError):F3} | {set.Average(r => r.Ncc):F3} | {set.Average(r => r.Roughness):F2} | {set.Average(r => r.Contrast):F2} | " +
                          $"{set.Average(r => r.Psnr):F1} | {set.Average(r => r.Ssim):F3} | {set[0].Iterations} | {set.Average(r => r.Seconds):F1} |");
        }
    md.AppendLine();
    md.AppendLine("The mean-image rows are the floor: a reconstruction that carries no information about the photograph. Its SSIM is high on photographs, so SSIM alone says little at deep layers.");
    md.AppendLine();
    md.AppendLine("## Per image");
    md.AppendLine();
    md.AppendLine("| layer | method | image | featureError | ncc | roughness | contrast | PSNR | SSIM |");
    md.AppendLine("|---|---|---|---|---|---|---|---|---|");
    foreach (var r in rows)
        md.AppendLine($"| {r.Layer} | {r.Method} | {r.Image} | {r.FeatureError:F3} | {r.Ncc:F3} | {r.Roughness:F2} | {r.Contrast:F2} | {r.Psnr:F1} | {r.Ssim:F3} |");
    md.AppendLine();
    md.AppendLine("## Settings used");
    md.AppendLine();
    foreach (var group in rows.GroupBy(r => (r.Layer, r.Method)))
        md.AppendLine($"- {group.Key.Layer}, {group.Key.Method}: {group.First().Settings}");
    md.AppendLine();
    string notes = Path.Combine(AppContext.BaseDirectory, "tuning-notes.md");
    if (File.Exists(notes))
    {
        md.AppendLine(File.ReadAllText(notes).TrimEnd());
        md.AppendLine();
    }
    if (handcraftedSection is not null)
        md.Append(handcraftedSection);
    md.AppendLine("## Contact sheets");
    md.AppendLine();
    foreach (string image in images)
        md.AppendLine($"![{image}](images/quality-{image}.png)");
    return md.ToString();
}

// Issue 18's time targets: seconds per image per layer for the default and default-2026-11, measured in this run.
static string TimeComparison(List<Row> rows, string[] layers)
{
    string old = InversionPreset.Default2026November.Name;
    double Seconds(string layer, string method) => rows.Where(r => r.Layer == layer && r.Method == method).Select(r => r.Seconds).DefaultIfEmpty(0).Average();
    var md = new StringBuilder();
    md.AppendLine($"## Time per image: default against {old} (same run)");
    md.AppendLine();
    md.AppendLine($"Targets: the layers together take at most a third of {old}'s time; no layer is slower.");
    md.AppendLine();
    md.AppendLine($"| layer | default s/image | {old} s/image | ratio | not slower |");
    md.AppendLine("|---|---|---|---|---|");
    double totalNew = 0, totalOld = 0;
    foreach (string layer in layers)
    {
        double now = Seconds(layer, "default"), before = Seconds(layer, old);
        totalNew += now;
        totalOld += before;
        md.AppendLine($"| {layer} | {now:F1} | {before:F1} | {(before > 0 ? now / before : 0):F2} | {(now <= before * 1.05 ? "✓" : "✗")} |");
    }
    double ratio = totalOld > 0 ? totalNew / totalOld : 0;
    md.AppendLine($"| all | {totalNew:F1} | {totalOld:F1} | {ratio:F2} | {(ratio <= 1.0 / 3 ? "≤ ⅓ ✓" : "≤ ⅓ ✗")} |");
    md.AppendLine();
    md.AppendLine("A layer counts as not slower within 5% (the VM's timing noise between consecutive runs).");
    md.AppendLine();
    return md.ToString();
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    string[] flags = ["--report-only", "--unfolded", "--feature-variation", "--fit-texture"];
    for (int i = 0; i < args.Length; i++)
    {
        bool flag = flags.Contains(args[i]);
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || (i + 1 >= args.Length && !flag))
            throw new ArgumentException($"Unexpected argument '{args[i]}'. Use --layers, --representations, --visualizations, --images, --methods, --iterations, --out, --images-dir, --set, --report-only, --unfolded, --feature-variation, --fit-texture (--ridge).");
        result[args[i][2..]] = flag ? "true" : args[++i];
    }
    return result;
}

internal sealed record SavedRun(DateTime date, string machine, string command, List<Row> rows, List<Row> floor);

internal sealed record Row(string Layer, string Method, string Image, double FeatureError, double Ncc, double Roughness, double Psnr, double Ssim, int Iterations, double Seconds, string Settings,
    double Contrast)
{
    /// <summary>A row with every image measure of a reconstruction against its original.</summary>
    public static Row Measure(string layer, string method, string image, double featureError, Tensor reconstruction, Tensor original, int iterations, double seconds, string settings) =>
        new(layer, method, image, featureError, ImageMeasures.Ncc(reconstruction, original), ImageMeasures.Roughness(reconstruction, original),
            ImageMeasures.Psnr(reconstruction, original), ImageMeasures.Ssim(reconstruction, original), iterations, seconds, settings,
            ImageMeasures.Contrast(reconstruction, original));

    /// <summary>Prints the row as one console line and returns it.</summary>
    public Row Print()
    {
        Console.WriteLine($"{Layer,-7} {Method,-8} {Image,-10} error {FeatureError:F3}  ncc {Ncc:F3}  roughness {Roughness:F2}  contrast {Contrast:F2}  psnr {Psnr:F1}  ssim {Ssim:F3}  {Seconds:F1} s");
        return this;
    }
}
