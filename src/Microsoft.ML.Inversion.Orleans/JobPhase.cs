namespace Microsoft.ML.Inversion.Orleans;

/// <summary>Where a job stands as a whole.</summary>
[GenerateSerializer]
public enum JobPhase
{
    /// <summary>No job has been submitted under this id.</summary>
    Unknown,

    /// <summary>Some shards are pending or leased.</summary>
    Running,

    /// <summary>Every shard is done or failed.</summary>
    Finished,

    /// <summary>Cancelled: no more shards are leased.</summary>
    Cancelled,
}
