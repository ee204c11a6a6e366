namespace Microsoft.ML.Inversion.Orleans;

/// <summary>The job coordinator, keyed by job id, as workers see it: lease, renew, report.</summary>
public interface IShardLeaseGrain : IGrainWithStringKey
{
    /// <summary>Leases a pending shard (or one whose lease expired) to <paramref name="silo"/>; null when there is none.</summary>
    Task<ShardLease?> Lease(string silo);

    /// <summary>Extends a lease; false when it is no longer the shard's lease (expired and re-leased, or the job was cancelled).</summary>
    Task<bool> Renew(int shard, Guid leaseId);

    /// <summary>Marks a shard done (a duplicate report of a done shard is ignored).</summary>
    Task Complete(ShardReport report);

    /// <summary>Reports a failed attempt; the shard goes back to pending, or is failed after too many attempts.</summary>
    Task Fail(int shard, Guid leaseId, string reason);
}
