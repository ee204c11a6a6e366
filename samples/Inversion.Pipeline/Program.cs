using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Transforms.Image;

// Batch processing with ML.NET: every image in a folder → LoadImages → ResizeImages → inversion of one layer →
// the reconstructions saved as PNGs, with a CSV of feature errors. Rows stream through: memory stays flat.
//   dotnet run --project samples/Inversion.Pipeline -- [--images DIR] [--out DIR] [--layer stage2] [--iterations N] [--batch-size N]
var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
{
    ["images"] = Path.Combine("tests", "images"),
    ["out"] = Path.Combine("out", "pipeline"),
    ["layer"] = "stage2",
};
for (int i = 0; i + 1 < args.Length; i += 2)
    settings[args[i].TrimStart('-')] = args[i + 1];
if (!Directory.Exists(settings["images"]))
{
    Console.Error.WriteLine($"error: image folder '{settings["images"]}' does not exist (pass --images DIR).");
    return 2;
}

var mlContext = new MLContext(seed: 1);
string[] extensions = [".png", ".jpg", ".jpeg", ".bmp"];
var files = Directory.GetFiles(settings["images"]).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order()
    .Select(f => new ImageFile { Path = Path.GetFullPath(f) }).ToArray();
Console.WriteLine($"{files.Length} images in {settings["images"]}; inverting layer '{settings["layer"]}' of the built-in ResNet18");

var options = new ImageInversionOptions
{
    OutputColumnName = "Reconstruction",
    InputColumnName = "Image",
    Layer = settings["layer"],
    Iterations = settings.TryGetValue("iterations", out var n) ? int.Parse(n) : null,
    BatchSize = settings.TryGetValue("batch-size", out var b) ? int.Parse(b) : RowStepOptions.Defaults.BatchSize,
    FeatureErrorColumnName = "FeatureError",
    BadRows = BadRowPolicy.Skip,
    Progress = new ConsoleProgress(),
};
var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageFile.Path))
    .Append(mlContext.Transforms.ResizeImages("Image", 224, 224, cropAnchor: ImageResizingEstimator.Anchor.Center, resizing: ImageResizingEstimator.ResizingKind.IsoCrop))
    .Append(mlContext.Transforms.InvertImageRepresentation(options));

IDataView data = mlContext.Data.LoadFromEnumerable(files);
var model = pipeline.Fit(data);
IDataView output = model.Transform(data);

Directory.CreateDirectory(settings["out"]);
using var csv = new StreamWriter(Path.Combine(settings["out"], "feature-errors.csv"));
csv.WriteLine("file,featureError");
foreach (var row in mlContext.Data.CreateEnumerable<Result>(output, reuseRowObject: false))
{
    string name = Path.GetFileNameWithoutExtension(row.Path);
    if (row.Reconstruction is null)
    {
        Console.WriteLine($"{name}: skipped (see the log)");
        continue;
    }
    string target = Path.Combine(settings["out"], $"{name}-{settings["layer"]}.png");
    row.Reconstruction.Save(target);
    csv.WriteLine($"{name},{row.FeatureError:F4}");
    Console.WriteLine($"{name}: feature error {row.FeatureError:F3} → {target}");
}
return 0;

internal sealed class ImageFile
{
    public string Path { get; set; } = "";
}

internal sealed class Result
{
    public string Path { get; set; } = "";

    [ImageType(224, 224)]
    public MLImage? Reconstruction { get; set; }

    public float FeatureError { get; set; }
}

internal sealed class ConsoleProgress : IProgress<InversionProgress>
{
    public void Report(InversionProgress p)
    {
        if (p.Iteration % 50 == 0 || p.Iteration == p.Iterations)
            Console.WriteLine($"  rows {p.Row}–{p.Row + p.BatchSize - 1}: step {p.Iteration}/{p.Iterations}, energy {p.Loss:F3}");
    }
}
