using Microsoft.ML.Data;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Inversion.Orleans;
using SkiaSharp;

namespace Microsoft.ML.Inversion.Cluster.Tests;

/// <summary>
/// A small job: 24 distinct 64×64 crops of the test photographs, a saved conv1 step with few steps, and the
/// single-process Transform of that step over the same rows to compare the cluster's outputs with.
/// </summary>
internal sealed class ClusterTestData
{
    public const int Rows = 24;
    public const string ImageColumn = "Image";

    private ClusterTestData(string folder, string stepPath, string listPath, IReadOnlyList<string> images)
    {
        Folder = folder;
        StepPath = stepPath;
        ListPath = listPath;
        Images = images;
    }

    public string Folder { get; }

    public string StepPath { get; }

    /// <summary>A text file with the images' paths, one per line.</summary>
    public string ListPath { get; }

    public IReadOnlyList<string> Images { get; }

    public static ClusterTestData Create(string folder, int iterations = 30)
    {
        Directory.CreateDirectory(folder);
        var images = new List<string>();
        foreach (string photo in new[] { "astronaut.png", "chelsea.png", "coffee.png" })
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(ClusterPaths.Images, photo));
            int side = Math.Min(bitmap.Width, bitmap.Height) / 2;
            for (int j = 0; j < Rows / 3; j++)
            {
                int x = (bitmap.Width - side) * j / (Rows / 3 - 1), y = (bitmap.Height - side) * ((j * 3) % (Rows / 3)) / (Rows / 3 - 1);
                using var crop = new SKBitmap();
                bitmap.ExtractSubset(crop, new SKRectI(x, y, x + side, y + side));
                using var small = crop.Resize(new SKImageInfo(64, 64, SKColorType.Rgba8888, SKAlphaType.Premul), SKFilterQuality.Medium);
                string path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(photo)}-{j}.png");
                using (var file = File.Create(path))
                    small.Encode(file, SKEncodedImageFormat.Png, 100);
                images.Add(path);
            }
        }
        string list = Path.Combine(folder, "images.txt");
        File.WriteAllLines(list, images);
        return new ClusterTestData(folder, SaveStep(Path.Combine(folder, "step.json"), iterations), list, images);
    }

    /// <summary>A saved conv1 step at 64×64.</summary>
    public static string SaveStep(string path, int iterations)
    {
        var mlContext = new MLContext(seed: 1);
        var empty = mlContext.Data.LoadFromEnumerable(Array.Empty<PathRow>());
        var images = mlContext.Transforms.LoadImages(ImageColumn, imageFolder: null, inputColumnName: nameof(PathRow.Path)).Fit(empty).Transform(empty);
        using var step = mlContext.Transforms.InvertImageRepresentation(new ImageInversionOptions
        {
            InputColumnName = ImageColumn,
            OutputColumnName = "Reconstruction",
            Layer = "conv1",
            Iterations = iterations,
            ImageWidth = 64,
            ImageHeight = 64,
            Seed = 7,
        }).Fit(images);
        step.SaveTo(path);
        return path;
    }

    /// <summary>The job spec for the cluster.</summary>
    public InversionJobSpec Spec(string output, int shardSize, TimeSpan lease)
    {
        var layout = new JobOutputLayout(output);
        layout.Create();
        return new InversionJobSpec
        {
            StepPath = StepPath,
            ManifestPath = JobInput.WriteManifest(JobInput.Resolve([ListPath]), layout),
            RowCount = Images.Count,
            ShardSize = shardSize,
            OutputFolder = output,
            LeaseDuration = lease,
        };
    }

    /// <summary>One Transform of the step over every row, in this process: BGRA pixels per row.</summary>
    public IReadOnlyList<byte[]> SingleProcessPixels()
    {
        var mlContext = new MLContext(seed: 1);
        using var step = mlContext.Transforms.LoadImageInversion(StepPath);
        var data = mlContext.Data.LoadFromEnumerable(Images.Select(p => new PathRow { Path = p }));
        var images = mlContext.Transforms.LoadImages(ImageColumn, imageFolder: null, inputColumnName: nameof(PathRow.Path)).Fit(data).Transform(data);
        var output = step.Transform(images);
        var column = output.Schema[step.OutputColumnName];
        using var cursor = output.GetRowCursor([column]);
        var getter = cursor.GetGetter<MLImage>(column);
        var pixels = new List<byte[]>();
        while (cursor.MoveNext())
        {
            MLImage image = null!;
            getter(ref image);
            using (image)
                pixels.Add(image.GetBGRPixels.ToArray());
        }
        return pixels;
    }

    /// <summary>Checks that the job's folder holds exactly one PNG per row, named by index, equal to the single-process result.</summary>
    public void AssertOutputsMatchSingleProcess(string output, int shardSize)
    {
        var layout = new JobOutputLayout(output);
        var expectedNames = Enumerable.Range(0, Rows).Select(r => Path.GetFileName(layout.ImagePath(r))).ToList();
        var names = Directory.GetFiles(layout.ImagesFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(expectedNames, names, "one output per row, named from its index, and nothing else");
        // A SIGKILLed worker may leave a half-written file in .tmp/, never in images/ or results/.
        CollectionAssert.AreEqual(Enumerable.Range(0, (Rows + shardSize - 1) / shardSize).Select(s => Path.GetFileName(layout.ResultsPath(s))).ToList(),
            Directory.GetFiles(layout.ResultsFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList(), "one results table per shard");

        var resultRows = Directory.GetFiles(layout.ResultsFolder).SelectMany(ResultsTable.Read).Select(f => long.Parse(f[0])).Order().ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, Rows).Select(r => (long)r).ToList(), resultRows, "each row once in the results tables");

        var reference = SingleProcessPixels();
        for (int r = 0; r < Rows; r++)
        {
            using var image = MLImage.CreateFromFile(layout.ImagePath(r));
            byte[] pixels = image.GetBGRPixels.ToArray();
            Assert.HasCount(reference[r].Length, pixels, $"row {r}: size");
            double meanDifference = pixels.Zip(reference[r], (a, b) => Math.Abs(a - b)).Average();
            Assert.IsLessThanOrEqualTo(0.5, meanDifference, $"row {r}: mean grey-level difference from the single-process Transform");
        }
    }

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }
}
