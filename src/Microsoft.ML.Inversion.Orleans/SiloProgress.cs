namespace Microsoft.ML.Inversion.Orleans;

/// <summary>What one silo has done for a job.</summary>
[GenerateSerializer, Immutable]
public sealed record SiloProgress
{
    /// <summary>The silo's name.</summary>
    [Id(0)]
    public required string Silo { get; init; }

    /// <summary>Rows of done shards it completed.</summary>
    [Id(1)]
    public required long RowsDone { get; init; }

    /// <summary>Its rows per second since the job started.</summary>
    [Id(2)]
    public required double RowsPerSecond { get; init; }

    /// <summary>Shards it holds leases on now.</summary>
    [Id(3)]
    public required int Leases { get; init; }
}
