namespace Microsoft.ML.Inversion.Orleans;

/// <summary>One shard of a job: rows [<see cref="FirstRow"/>, <see cref="FirstRow"/> + <see cref="RowCount"/>) and where they stand.</summary>
[GenerateSerializer]
public sealed class ShardState
{
    /// <summary>The shard's index in the job.</summary>
    [Id(0)]
    public int Index { get; set; }

    /// <summary>The job-wide index of the shard's first row.</summary>
    [Id(1)]
    public long FirstRow { get; set; }

    /// <summary>The shard's number of rows.</summary>
    [Id(2)]
    public int RowCount { get; set; }

    /// <summary>Pending, leased, done or failed.</summary>
    [Id(3)]
    public ShardStatus Status { get; set; }

    /// <summary>The silo holding or last holding the lease.</summary>
    [Id(4)]
    public string? Silo { get; set; }

    /// <summary>The current lease's identity; reports quoting another lease are stale.</summary>
    [Id(5)]
    public Guid LeaseId { get; set; }

    /// <summary>When the current lease expires unless renewed.</summary>
    [Id(6)]
    public DateTimeOffset Deadline { get; set; }

    /// <summary>How many times the shard was leased.</summary>
    [Id(7)]
    public int Attempts { get; set; }

    /// <summary>The last failure's reason (a failed attempt or an expired lease), or null.</summary>
    [Id(8)]
    public string? Error { get; set; }

    /// <summary>When the shard was done.</summary>
    [Id(9)]
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Rows of the shard that were bad (unreadable or unusable images), reported in its results table.</summary>
    [Id(10)]
    public int BadRows { get; set; }

    /// <summary>Seconds the completing attempt took.</summary>
    [Id(11)]
    public double Seconds { get; set; }

    /// <summary>A copy (every member is a value or an immutable string), for status snapshots.</summary>
    public ShardState Clone() => (ShardState)MemberwiseClone();
}
