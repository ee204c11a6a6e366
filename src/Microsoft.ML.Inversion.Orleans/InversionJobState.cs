namespace Microsoft.ML.Inversion.Orleans;

/// <summary>The persisted state of a job grain: its spec and every shard's state.</summary>
[GenerateSerializer]
public sealed class InversionJobState
{
    /// <summary>The job, or null before it is submitted.</summary>
    [Id(0)]
    public InversionJobSpec? Spec { get; set; }

    /// <summary>The shards, in row order.</summary>
    [Id(1)]
    public List<ShardState> Shards { get; set; } = [];

    /// <summary>When the job was submitted.</summary>
    [Id(2)]
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>When the first shard was leased.</summary>
    [Id(3)]
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Whether the job was cancelled.</summary>
    [Id(4)]
    public bool Cancelled { get; set; }
}
