namespace Microsoft.ML.Inversion.Orleans;

/// <summary>A worker, keyed "silo/n" and placed on its own silo: it runs one shard at a time.</summary>
public interface IShardWorkerGrain : IGrainWithStringKey
{
    /// <summary>Leases one shard of the job, runs it and reports it; false when the job had nothing to lease.</summary>
    /// <remarks>A shard can take hours, so the call may too; only the worker's own silo calls it.</remarks>
    [ResponseTimeout("7.00:00:00")]
    Task<bool> RunOne(string jobId);
}
