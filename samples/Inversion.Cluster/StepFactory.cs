using Microsoft.ML;
using Microsoft.ML.Inversion.MLNet;

namespace Inversion.Cluster;

/// <summary>The step a job runs: a saved step (<c>--step</c>), or one built from the quickstart's flags and saved.</summary>
internal static class StepFactory
{
    public const string ImageColumn = "Image";

    /// <summary>Returns the path of a checked saved step: <c>--step</c>, or one saved at <paramref name="target"/>.</summary>
    public static string Resolve(Arguments args, string target)
    {
        var mlContext = new MLContext(seed: 1);
        if (args.Text("step") is { } path)
        {
            path = Path.GetFullPath(path);
            try
            {
                using var step = ImageInversionTransformer.Load(mlContext, path);
                if (step.InvertsFeatureVectors)
                    throw new UsageException($"saved step '{path}' inverts feature vectors; a cluster job runs a step over image files");
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
            {
                throw new UsageException(e.Message);
            }
            return path;
        }
        int? size = args.Text("image-size") is null ? null : args.Int("image-size", 0, 32);
        var options = new ImageInversionOptions
        {
            InputColumnName = ImageColumn,
            OutputColumnName = "Reconstruction",
            Layer = args.Text("layer") ?? ImageInversionOptions.Defaults.Layer,
            Preset = args.Text("preset") ?? RowStepOptions.Defaults.Preset,
            Iterations = args.Text("iterations") is null ? null : args.Int("iterations", 0, 1),
            BatchSize = args.Int("batch-size", RowStepOptions.Defaults.BatchSize, 1),
            Seed = args.Int("seed", (int)RowStepOptions.Defaults.Seed),
            ImageWidth = size,
            ImageHeight = size,
            FeatureErrorColumnName = "FeatureError",
        };
        IDataView empty = mlContext.Data.LoadFromEnumerable(Array.Empty<PathRow>());
        IDataView images = mlContext.Transforms.LoadImages(ImageColumn, imageFolder: null, inputColumnName: nameof(PathRow.Path)).Fit(empty).Transform(empty);
        try
        {
            using var step = mlContext.Transforms.InvertImageRepresentation(options).Fit(images);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
            step.SaveTo(target);
        }
        catch (Exception e) when (e is not UsageException)
        {
            throw new UsageException(e.Message);
        }
        return Path.GetFullPath(target);
    }

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }
}
