using Microsoft.ML.Data;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// A warm-up that runs a step over one synthetic image as a one-row shard (<see cref="ShardRunner"/>, the code path
/// of every real shard) in a temporary folder, deleted afterwards.
/// </summary>
/// <param name="description">What the step is, for the silo's log.</param>
/// <param name="saveStep">Saves the step to run in the given folder and returns its path.</param>
public sealed class StepWarmUp(string description, Func<string, string> saveStep) : IWorkerWarmUp
{
    /// <summary>The synthetic image's width and height in pixels.</summary>
    public const int ImageSize = 64;

    /// <inheritdoc/>
    public string Description { get; } = description;

    /// <inheritdoc/>
    public void Run(CancellationToken cancellation)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"inversion-warm-up-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var layout = new JobOutputLayout(folder);
            layout.Create();
            string image = Path.Combine(folder, "warm-up.png");
            using (var synthetic = SyntheticImage())
                synthetic.Save(image);
            var spec = new InversionJobSpec
            {
                StepPath = saveStep(folder),
                ManifestPath = JobInput.WriteManifest([image], layout),
                RowCount = 1,
                ShardSize = 1,
                OutputFolder = folder,
            };
            ShardRunner.Run(spec, 0, 0, 1, cancellation);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // a leftover temporary folder is harmless
            }
        }
    }

    /// <summary>A smooth colour gradient with a checker pattern: edges and flat areas, like a photograph.</summary>
    private static MLImage SyntheticImage()
    {
        var pixels = new byte[ImageSize * ImageSize * 4];
        for (int y = 0; y < ImageSize; y++)
        {
            for (int x = 0; x < ImageSize; x++)
            {
                int i = 4 * (y * ImageSize + x);
                byte checker = (byte)(((x / 8) + (y / 8)) % 2 == 0 ? 40 : 0);
                pixels[i] = (byte)(4 * x);
                pixels[i + 1] = (byte)(4 * y + checker / 2);
                pixels[i + 2] = (byte)(128 + checker);
                pixels[i + 3] = 255;
            }
        }
        return MLImage.CreateFromPixels(ImageSize, ImageSize, MLPixelFormat.Bgra32, pixels);
    }
}
