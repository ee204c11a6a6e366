namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// Where a job writes: <c>images/NNNNNNNN.png</c> per row (named from the row's job-wide index),
/// <c>results/shard-NNNNNN.csv</c> per shard, <c>inputs.txt</c> (the manifest), and a <c>.tmp</c> folder for files
/// being written (each output is moved into place whole, so a rerun overwrites and never duplicates).
/// </summary>
/// <param name="Folder">The job's output folder.</param>
public sealed record JobOutputLayout(string Folder)
{
    /// <summary>The folder of the reconstructions.</summary>
    public string ImagesFolder => Path.Combine(Folder, "images");

    /// <summary>The folder of the per-shard results tables.</summary>
    public string ResultsFolder => Path.Combine(Folder, "results");

    /// <summary>Where files are written before they are moved into place (on the same file system).</summary>
    public string TempFolder => Path.Combine(Folder, ".tmp");

    /// <summary>The job's manifest: one image path per row.</summary>
    public string ManifestPath => Path.Combine(Folder, "inputs.txt");

    /// <summary>Where <c>submit</c> saves a step it builds from flags.</summary>
    public string StepPath => Path.Combine(Folder, "step.json");

    /// <summary>Row <paramref name="row"/>'s reconstruction.</summary>
    public string ImagePath(long row) => Path.Combine(ImagesFolder, $"{row:D8}.png");

    /// <summary>Shard <paramref name="shard"/>'s results table.</summary>
    public string ResultsPath(int shard) => Path.Combine(ResultsFolder, $"shard-{shard:D6}.csv");

    /// <summary>Creates the folders.</summary>
    public void Create()
    {
        Directory.CreateDirectory(ImagesFolder);
        Directory.CreateDirectory(ResultsFolder);
        Directory.CreateDirectory(TempFolder);
    }
}
