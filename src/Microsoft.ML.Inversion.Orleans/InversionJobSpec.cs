namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// What a job runs: a saved inversion step over the rows of an input manifest, in shards, into an output folder. Every
/// path must be readable (and the output folder writable) by every silo, e.g. on a shared file system.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InversionJobSpec
{
    /// <summary>The file <c>ImageInversionTransformer.SaveTo</c> wrote; every worker loads this same step.</summary>
    [Id(0)]
    public required string StepPath { get; init; }

    /// <summary>A text file with one image path per line; line r is row r of the job (see <see cref="JobInput"/>).</summary>
    [Id(1)]
    public required string ManifestPath { get; init; }

    /// <summary>The number of rows (lines of the manifest).</summary>
    [Id(2)]
    public required int RowCount { get; init; }

    /// <summary>Rows per shard: the unit a worker leases, runs and reports.</summary>
    [Id(3)]
    public required int ShardSize { get; init; }

    /// <summary>Where outputs go (see <see cref="JobOutputLayout"/>).</summary>
    [Id(4)]
    public required string OutputFolder { get; init; }

    /// <summary>How long a lease lasts without renewal; workers renew it every third of this while they run.</summary>
    [Id(5)]
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Leases of one shard (failures and expiries together) before it is marked failed.</summary>
    [Id(6)]
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(StepPath))
            throw new ArgumentException("The job has no step file.", nameof(StepPath));
        if (string.IsNullOrWhiteSpace(ManifestPath))
            throw new ArgumentException("The job has no input manifest.", nameof(ManifestPath));
        if (string.IsNullOrWhiteSpace(OutputFolder))
            throw new ArgumentException("The job has no output folder.", nameof(OutputFolder));
        if (RowCount < 1)
            throw new ArgumentException($"The job has {RowCount} rows; it needs at least one.", nameof(RowCount));
        if (ShardSize < 1)
            throw new ArgumentException($"The shard size is {ShardSize}; it must be at least 1.", nameof(ShardSize));
        if (LeaseDuration < TimeSpan.FromSeconds(1))
            throw new ArgumentException($"The lease duration is {LeaseDuration}; it must be at least one second.", nameof(LeaseDuration));
        if (MaxAttempts < 1)
            throw new ArgumentException($"MaxAttempts is {MaxAttempts}; it must be at least 1.", nameof(MaxAttempts));
    }
}
