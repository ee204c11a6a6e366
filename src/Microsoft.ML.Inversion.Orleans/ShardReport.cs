namespace Microsoft.ML.Inversion.Orleans;

/// <summary>A worker's report that a leased shard is done: its outputs and results table are written.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardReport
{
    /// <summary>The shard's index.</summary>
    [Id(0)]
    public required int Shard { get; init; }

    /// <summary>The lease the work ran under.</summary>
    [Id(1)]
    public required Guid LeaseId { get; init; }

    /// <summary>The silo that ran it.</summary>
    [Id(2)]
    public required string Silo { get; init; }

    /// <summary>Rows whose image could not be used (each has a reason in the results table).</summary>
    [Id(3)]
    public required int BadRows { get; init; }

    /// <summary>Seconds the shard took on the worker.</summary>
    [Id(4)]
    public required double Seconds { get; init; }
}
