namespace Microsoft.ML.Inversion.Orleans;

/// <summary>A job's progress as its grain sees it: rows, rate, per-silo figures, failures and every shard.</summary>
[GenerateSerializer, Immutable]
public sealed record JobStatus
{
    /// <summary>The job's id.</summary>
    [Id(0)]
    public required string JobId { get; init; }

    /// <summary>Unknown, running, finished or cancelled.</summary>
    [Id(1)]
    public required JobPhase Phase { get; init; }

    /// <summary>The job's rows.</summary>
    [Id(2)]
    public required long TotalRows { get; init; }

    /// <summary>Rows of done shards (bad rows included: they are reported).</summary>
    [Id(3)]
    public required long RowsDone { get; init; }

    /// <summary>Rows of done shards that were bad (see the results tables).</summary>
    [Id(4)]
    public required long BadRows { get; init; }

    /// <summary>Rows of failed shards.</summary>
    [Id(5)]
    public required long FailedRows { get; init; }

    /// <summary>Rows done per second from the first lease to the last completion (or now).</summary>
    [Id(6)]
    public required double RowsPerSecond { get; init; }

    /// <summary>When the first shard was leased.</summary>
    [Id(7)]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the last shard was done, once the job is finished.</summary>
    [Id(8)]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Per-silo progress.</summary>
    [Id(9)]
    public required IReadOnlyList<SiloProgress> Silos { get; init; }

    /// <summary>Every shard's state, in row order.</summary>
    [Id(10)]
    public required IReadOnlyList<ShardState> Shards { get; init; }

    /// <summary>The silo hosting the job grain now.</summary>
    [Id(11)]
    public required string Host { get; init; }

    /// <summary>The process id of the silo hosting the job grain.</summary>
    [Id(12)]
    public required int HostProcessId { get; init; }

    /// <summary>The job's spec, or null when <see cref="Phase"/> is <see cref="JobPhase.Unknown"/>.</summary>
    [Id(13)]
    public InversionJobSpec? Spec { get; init; }
}
