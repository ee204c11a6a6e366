namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// Work a silo runs once at start, before its workers lease any shard: it pays the one-time costs of the first
/// shard (.NET compiling the code a step runs, libtorch's first allocations) while the silo holds no lease, so a
/// job's first shard on the silo runs as fast as the rest. Register one with
/// <see cref="InversionSiloBuilderExtensions.AddInversionWarmUp"/>.
/// </summary>
public interface IWorkerWarmUp
{
    /// <summary>What the warm-up runs, for the silo's log.</summary>
    string Description { get; }

    /// <summary>Runs the warm-up on the calling thread (the worker pool calls it off the grain scheduler).</summary>
    /// <param name="cancellation">Signalled when the silo stops.</param>
    void Run(CancellationToken cancellation);
}
