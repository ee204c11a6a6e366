using System.Globalization;
using System.Text.Json;
using Inversion.Quickstart;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Onnx;
using Microsoft.ML.Inversion.Reporting;
using Microsoft.ML.Inversion.Representations;
using Spectre.Console;
using static TorchSharp.torch;

// Inversion.ML quickstart: reconstructs a photograph from each layer of the built-in ResNet18 (or your ONNX
// network, or HOG / dense SIFT) and writes the reconstructions, a contact sheet, an HTML report and summary.json.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    var arguments = QuickstartArguments.Parse(args);
    if (arguments.Model is not null && arguments.Representation is not null)
        throw new UsageException($"--model and --representation both choose the representation; give one.\n{QuickstartArguments.Usage}");
    using Backbone backbone = arguments.Representation is { } representation ? HandcraftedBackbone.FromName(representation)
        : arguments.Model is null ? PretrainedBackbones.ResNet18() : OnnxBackbone.Load(arguments.Model);

    if (arguments.ListLayers)
    {
        foreach (var layer in backbone.DescribeLayers())
        {
            string aliases = layer.Aliases.Count > 0 ? $"  alias: {string.Join(", ", layer.Aliases)}" : "";
            Console.WriteLine($"{layer.Name,-32} {layer.Operator,-20} {string.Join("x", layer.Shape),-14}{aliases}");
        }
        return 0;
    }

    IReadOnlyList<string> layers = arguments.Layers ?? (backbone.IsHandcrafted ? [backbone.DescribeLayers()[0].Name]
        : arguments.Task != "invert" && arguments.Model is null ? ["stage3"]
        : arguments.Model is null ? PretrainedBackbones.ResNet18Layers : SpreadLayers(backbone));
    foreach (string layer in layers)
        backbone.ResolveLayer(layer);
    if (arguments.Task != "invert")
        return Visualizations.Run(backbone, arguments, layers);
    InversionPreset preset = arguments.Method == "naive" ? InversionPreset.Naive : InversionPreset.FromName(arguments.Preset);
    string imagePath = arguments.Image ?? Path.Combine(AppContext.BaseDirectory, "images", "astronaut.png");
    using Tensor original = ImageTensors.LoadCentered(imagePath, backbone.InputHeight, backbone.InputWidth);

    Directory.CreateDirectory(arguments.Out);
    ImageTensors.Save(original, Path.Combine(arguments.Out, "original.png"));
    AnsiConsole.MarkupLine($"Inverting [bold]{Markup.Escape(Path.GetFileName(imagePath))}[/] at {layers.Count} layers of [bold]{Markup.Escape(backbone.Name)}[/] " +
                           $"with [bold]{Markup.Escape(arguments.Method == "naive" ? "naive" : preset.Name)}[/] on {Environment.ProcessorCount} cores");

    var runs = new List<LayerRun>();
    var images = new Dictionary<string, Tensor>();
    AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
        .Start(progress =>
        {
            var tasks = layers.ToDictionary(l => l, l => progress.AddTask(l, autoStart: false));
            foreach (string layer in layers)
            {
                var task = tasks[layer];
                task.StartTask();
                var options = new InversionOptions
                {
                    Preset = preset,
                    Iterations = arguments.Iterations,
                    ProgressInterval = 5,
                    Progress = new Reporter(p => { task.MaxValue = p.Iterations; task.Value = p.Iteration; }),
                };
                using var result = new FeatureInverter(backbone, layer, options).InvertImages(original);
                task.Value = task.MaxValue;
                Tensor reconstruction = result.Images[0].clone().DetachFromDisposeScope();
                images[layer] = reconstruction;
                ImageTensors.Save(reconstruction, Path.Combine(arguments.Out, $"{FileName(layer)}-{arguments.Method}.png"));
                runs.Add(new LayerRun(layer, arguments.Method, result.FeatureErrors[0], ImageMeasures.Ncc(reconstruction, original),
                    ImageMeasures.Roughness(reconstruction, original), ImageMeasures.Psnr(reconstruction, original),
                    ImageMeasures.Ssim(reconstruction, original), result.Iterations, result.Seconds));
            }
        });

    var table = new Table().AddColumns("layer", "feature error", "ncc", "roughness", "seconds");
    foreach (var run in runs)
        table.AddRow(run.Layer, $"{run.FeatureError:F3}", $"{run.Ncc:F3}", $"{run.Roughness:F2}", $"{run.Seconds:F1}");
    AnsiConsole.Write(table);

    var tiles = new List<ContactSheetTile> { new("original", original) };
    tiles.AddRange(runs.Select(r => new ContactSheetTile($"{r.Layer}\nerror {r.FeatureError:F2}", images[r.Layer])));
    string sheet = Path.Combine(arguments.Out, "contact-sheet.png");
    ContactSheet.Save(sheet, [(arguments.Method == "naive" ? "naive" : preset.Name, tiles)]);
    File.WriteAllText(Path.Combine(arguments.Out, "summary.json"), JsonSerializer.Serialize(runs, new JsonSerializerOptions { WriteIndented = true }));
    HtmlReport.Write(Path.Combine(arguments.Out, "report.html"), Path.GetFileName(imagePath), backbone.Name, runs, "contact-sheet.png");
    foreach (var image in images.Values)
        image.Dispose();
    AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(sheet)}[/], report.html, summary.json and one PNG per layer in {Markup.Escape(arguments.Out)}");
    return 0;
}
catch (Exception e) when (e is UsageException or FileNotFoundException or OnnxImportException or UnknownLayerException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message.Split('\n')[0]}");
    if (e is UsageException && e.Message.Contains('\n'))
        Console.Error.WriteLine(e.Message[(e.Message.IndexOf('\n') + 1)..]);
    return 2;
}

// Without aliases, invert five layers spread through a user's network (its convolution and activation outputs).
static IReadOnlyList<string> SpreadLayers(Backbone backbone)
{
    var candidates = backbone.DescribeLayers().Where(l => l.Operator is "Relu" or "Conv" or "MaxPool" or "LeakyRelu").Select(l => l.Name).ToArray();
    if (candidates.Length == 0)
        candidates = backbone.DescribeLayers().Select(l => l.Name).ToArray();
    int count = Math.Min(5, candidates.Length);
    return Enumerable.Range(0, count).Select(i => candidates[(int)Math.Round((double)i * (candidates.Length - 1) / Math.Max(1, count - 1))]).Distinct().ToArray();
}

static string FileName(string layer) => string.Concat(layer.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

/// <summary>Reports progress on the optimiser's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class Reporter(Action<InversionProgress> report) : IProgress<InversionProgress>
{
    public void Report(InversionProgress value) => report(value);
}
