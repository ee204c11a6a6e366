namespace Microsoft.ML.Inversion.Orleans;

/// <summary>Where a shard of a job stands.</summary>
[GenerateSerializer]
public enum ShardStatus
{
    /// <summary>Waiting for a worker (never leased, or its last lease failed or expired).</summary>
    Pending,

    /// <summary>Leased to a worker until <see cref="ShardState.Deadline"/>.</summary>
    Leased,

    /// <summary>Every row's output and result line are written.</summary>
    Done,

    /// <summary>Given up after <see cref="InversionJobSpec.MaxAttempts"/> attempts; <see cref="ShardState.Error"/> says why.</summary>
    Failed,
}
