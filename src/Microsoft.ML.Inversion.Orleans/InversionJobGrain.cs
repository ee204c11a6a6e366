using Microsoft.Extensions.Logging;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// The coordinator of one job (keyed by job id): it owns the shards' states and persists them whenever losing the
/// change would lose work or hand out a shard twice without cause (submit, lease, done, failure, expiry, cancel). Lease
/// renewals are kept in memory only; when the grain is activated again (its silo died) every lease in the stored
/// state gets one more lease period, so live workers can renew before their shards are handed out again.
/// </summary>
public sealed class InversionJobGrain(
    [PersistentState("job", InversionCluster.StorageName)] IPersistentState<InversionJobState> state,
    SiloIdentity silo,
    ILogger<InversionJobGrain> logger) : Grain, IInversionJobGrain, IShardLeaseGrain
{
    private InversionJobState Job => state.State;

    private string JobId => this.GetPrimaryKeyString();

    /// <summary>Gives the leases found in the stored state a fresh lease period (see the class remarks).</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Job.Spec is { } spec)
        {
            var deadline = DateTimeOffset.UtcNow + spec.LeaseDuration;
            foreach (var shard in Job.Shards.Where(s => s.Status == ShardStatus.Leased))
                shard.Deadline = deadline;
            logger.LogInformation("Job {Job} resumed on {Silo} from its stored state: {Done} of {Shards} shards done.",
                JobId, silo.Name, Job.Shards.Count(s => s.Status == ShardStatus.Done), Job.Shards.Count);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<JobStatus> Submit(InversionJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (Job.Spec is { } existing)
            return existing == spec ? Status() : throw new ArgumentException($"Job '{JobId}' already exists with a different spec; choose another job id.");
        if (!File.Exists(spec.StepPath))
            throw new ArgumentException($"Saved inversion step '{spec.StepPath}' does not exist (on silo {silo.Name}).");
        Job.Spec = spec;
        Job.SubmittedAt = DateTimeOffset.UtcNow;
        Job.Shards = [.. Enumerable.Range(0, (int)((spec.RowCount + (long)spec.ShardSize - 1) / spec.ShardSize)).Select(i => new ShardState
        {
            Index = i,
            FirstRow = (long)i * spec.ShardSize,
            RowCount = (int)Math.Min(spec.ShardSize, spec.RowCount - (long)i * spec.ShardSize),
        })];
        await state.WriteStateAsync();
        await Directory().Add(JobId);
        logger.LogInformation("Job {Job}: {Rows} rows in {Shards} shards.", JobId, spec.RowCount, Job.Shards.Count);
        return Status();
    }

    /// <inheritdoc/>
    public async Task<JobStatus> GetStatus()
    {
        if (Reclaim(DateTimeOffset.UtcNow))
            await SaveAndRetireAsync();
        return Status();
    }

    /// <inheritdoc/>
    public async Task<JobStatus> Cancel()
    {
        if (Job.Spec is not null && !Job.Cancelled)
        {
            Job.Cancelled = true;
            await state.WriteStateAsync();
            await Directory().Remove(JobId);
        }
        return Status();
    }

    /// <inheritdoc/>
    public async Task<ShardLease?> Lease(string siloName)
    {
        if (Job.Spec is not { } spec || Job.Cancelled)
            return null;
        var now = DateTimeOffset.UtcNow;
        bool changed = Reclaim(now);
        var shard = Job.Shards.FirstOrDefault(s => s.Status == ShardStatus.Pending);
        if (shard is null)
        {
            if (changed || Phase() == JobPhase.Finished)
                await SaveAndRetireAsync();
            return null;
        }
        shard.Status = ShardStatus.Leased;
        shard.Silo = siloName;
        shard.LeaseId = Guid.NewGuid();
        shard.Deadline = now + spec.LeaseDuration;
        shard.Attempts++;
        Job.StartedAt ??= now;
        await state.WriteStateAsync();
        return new ShardLease { Spec = spec, Shard = shard.Index, FirstRow = shard.FirstRow, RowCount = shard.RowCount, LeaseId = shard.LeaseId, Attempt = shard.Attempts };
    }

    /// <inheritdoc/>
    public Task<bool> Renew(int shard, Guid leaseId)
    {
        if (Job.Spec is not { } spec || Job.Cancelled || !IsCurrent(shard, leaseId, out var s))
            return Task.FromResult(false);
        s.Deadline = DateTimeOffset.UtcNow + spec.LeaseDuration;
        return Task.FromResult(true);
    }

    /// <inheritdoc/>
    public async Task Complete(ShardReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Job.Spec is null || report.Shard < 0 || report.Shard >= Job.Shards.Count)
            return;
        var s = Job.Shards[report.Shard];
        if (s.Status == ShardStatus.Done)
            return; // a second execution of a done shard (its lease had expired): its outputs overwrote identical ones
        s.Status = ShardStatus.Done;
        s.Silo = report.Silo;
        s.LeaseId = report.LeaseId;
        s.CompletedAt = DateTimeOffset.UtcNow;
        s.BadRows = report.BadRows;
        s.Seconds = report.Seconds;
        s.Error = null;
        await SaveAndRetireAsync();
    }

    /// <inheritdoc/>
    public async Task Fail(int shard, Guid leaseId, string reason)
    {
        if (Job.Spec is not { } spec || !IsCurrent(shard, leaseId, out var s))
            return;
        s.Error = reason;
        s.Status = s.Attempts >= spec.MaxAttempts ? ShardStatus.Failed : ShardStatus.Pending;
        logger.LogWarning("Job {Job}, shard {Shard}: attempt {Attempt} on {Silo} failed: {Reason}", JobId, shard, s.Attempts, s.Silo, reason);
        await SaveAndRetireAsync();
    }

    private bool IsCurrent(int shard, Guid leaseId, out ShardState s)
    {
        s = shard >= 0 && shard < Job.Shards.Count ? Job.Shards[shard] : null!;
        return s is not null && s.Status == ShardStatus.Leased && s.LeaseId == leaseId;
    }

    /// <summary>Expired leases go back to pending, or to failed after too many attempts; true when one did.</summary>
    private bool Reclaim(DateTimeOffset now)
    {
        if (Job.Spec is not { } spec)
            return false;
        bool changed = false;
        foreach (var s in Job.Shards.Where(s => s.Status == ShardStatus.Leased && s.Deadline < now))
        {
            s.Error = $"the lease on silo {s.Silo} expired (attempt {s.Attempts}): the silo died, hung or lost contact";
            s.Status = s.Attempts >= spec.MaxAttempts ? ShardStatus.Failed : ShardStatus.Pending;
            logger.LogWarning("Job {Job}, shard {Shard}: {Error}.", JobId, s.Index, s.Error);
            changed = true;
        }
        return changed;
    }

    private async Task SaveAndRetireAsync()
    {
        await state.WriteStateAsync();
        if (Phase() == JobPhase.Finished)
            await Directory().Remove(JobId);
    }

    private IJobDirectoryGrain Directory() => GrainFactory.GetGrain<IJobDirectoryGrain>(InversionCluster.DirectoryKey);

    private JobPhase Phase() =>
        Job.Spec is null ? JobPhase.Unknown
            : Job.Cancelled ? JobPhase.Cancelled
            : Job.Shards.All(s => s.Status is ShardStatus.Done or ShardStatus.Failed) ? JobPhase.Finished
            : JobPhase.Running;

    private JobStatus Status()
    {
        var phase = Phase();
        var done = Job.Shards.Where(s => s.Status == ShardStatus.Done).ToList();
        DateTimeOffset? finished = phase == JobPhase.Finished ? done.Select(s => s.CompletedAt).Max() ?? DateTimeOffset.UtcNow : null;
        double seconds = Job.StartedAt is { } start ? Math.Max(1e-3, ((finished ?? DateTimeOffset.UtcNow) - start).TotalSeconds) : 0;
        double Rate(long rows) => seconds > 0 ? rows / seconds : 0;
        var silos = Job.Shards.Where(s => s.Silo is not null && s.Status is ShardStatus.Done or ShardStatus.Leased).GroupBy(s => s.Silo!).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                long rows = g.Where(s => s.Status == ShardStatus.Done).Sum(s => (long)s.RowCount);
                return new SiloProgress { Silo = g.Key, RowsDone = rows, RowsPerSecond = Rate(rows), Leases = g.Count(s => s.Status == ShardStatus.Leased) };
            }).ToList();
        long rowsDone = done.Sum(s => (long)s.RowCount);
        return new JobStatus
        {
            JobId = JobId,
            Phase = phase,
            Spec = Job.Spec,
            TotalRows = Job.Spec?.RowCount ?? 0,
            RowsDone = rowsDone,
            BadRows = done.Sum(s => (long)s.BadRows),
            FailedRows = Job.Shards.Where(s => s.Status == ShardStatus.Failed).Sum(s => (long)s.RowCount),
            RowsPerSecond = Rate(rowsDone),
            StartedAt = Job.StartedAt,
            FinishedAt = finished,
            Silos = silos,
            Shards = [.. Job.Shards.Select(s => s.Clone())],
            Host = silo.Name,
            HostProcessId = silo.ProcessId,
        };
    }
}
