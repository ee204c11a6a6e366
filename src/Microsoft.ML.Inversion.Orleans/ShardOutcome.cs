namespace Microsoft.ML.Inversion.Orleans;

/// <summary>What running a shard produced.</summary>
/// <param name="Rows">Rows written (good and bad).</param>
/// <param name="BadRows">Rows whose image could not be used.</param>
/// <param name="Seconds">Wall time, loading the step included.</param>
public sealed record ShardOutcome(int Rows, int BadRows, double Seconds);
