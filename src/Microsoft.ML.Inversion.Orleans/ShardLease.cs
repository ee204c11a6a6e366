namespace Microsoft.ML.Inversion.Orleans;

/// <summary>A shard leased to a worker: what to run and until when.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardLease
{
    /// <summary>The job.</summary>
    [Id(0)]
    public required InversionJobSpec Spec { get; init; }

    /// <summary>The shard's index.</summary>
    [Id(1)]
    public required int Shard { get; init; }

    /// <summary>The job-wide index of the shard's first row.</summary>
    [Id(2)]
    public required long FirstRow { get; init; }

    /// <summary>The shard's number of rows.</summary>
    [Id(3)]
    public required int RowCount { get; init; }

    /// <summary>The lease's identity, quoted in renewals and reports.</summary>
    [Id(4)]
    public required Guid LeaseId { get; init; }

    /// <summary>Which attempt at the shard this is (1 for the first).</summary>
    [Id(5)]
    public required int Attempt { get; init; }
}
