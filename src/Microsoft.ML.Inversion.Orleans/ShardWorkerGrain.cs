using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// A worker on its own silo: leases a shard, runs it off the grain scheduler (<see cref="ShardRunner"/>) while renewing
/// the lease every third of its duration, then reports it done or failed. A lost lease (the job was cancelled, or the
/// lease expired and the shard went to another worker) stops the run between rows. The job's step stays loaded between
/// its shards, so the network is read once per worker and job, not once per shard.
/// </summary>
[PreferLocalPlacement]
public sealed class ShardWorkerGrain(SiloIdentity silo, ILogger<ShardWorkerGrain> logger) : Grain, IShardWorkerGrain
{
    private const int ReportAttempts = 6;

    private ShardStep? _step;
    private string? _stepJob;

    /// <inheritdoc/>
    public async Task<bool> RunOne(string jobId)
    {
        var coordinator = GrainFactory.GetGrain<IShardLeaseGrain>(jobId);
        var lease = await coordinator.Lease(silo.Name);
        if (lease is null)
            return false;
        logger.LogInformation("Job {Job}: shard {Shard} (rows {First}–{Last}, attempt {Attempt}) on {Silo}.",
            jobId, lease.Shard, lease.FirstRow, lease.FirstRow + lease.RowCount - 1, lease.Attempt, silo.Name);

        using var cancellation = new CancellationTokenSource();
        var work = Task.Run(() => RunShard(jobId, lease, cancellation.Token));
        var renewEvery = lease.Spec.LeaseDuration / 3;
        while (await Task.WhenAny(work, Task.Delay(renewEvery)) != work)
        {
            try
            {
                if (!await coordinator.Renew(lease.Shard, lease.LeaseId))
                    cancellation.Cancel();
            }
            catch (Exception e)
            {
                // The job grain may be moving to another silo; keep working and renew next time.
                logger.LogWarning("Job {Job}: renewing shard {Shard} failed ({Error}); the run goes on.", jobId, lease.Shard, e.Message);
            }
        }

        try
        {
            var outcome = await work;
            var report = new ShardReport { Shard = lease.Shard, LeaseId = lease.LeaseId, Silo = silo.Name, BadRows = outcome.BadRows, Seconds = outcome.Seconds };
            await ReportAsync(() => coordinator.Complete(report));
            logger.LogInformation("Job {Job}: shard {Shard} done in {Seconds:F1} s ({Bad} bad rows).", jobId, lease.Shard, outcome.Seconds, outcome.BadRows);
        }
        catch (OperationCanceledException)
        {
            logger.LogInformation("Job {Job}: shard {Shard} abandoned: its lease is no longer ours.", jobId, lease.Shard);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: shard {Shard} failed.", jobId, lease.Shard);
            await ReportAsync(() => coordinator.Fail(lease.Shard, lease.LeaseId, $"{e.GetType().Name}: {e.Message}"));
        }
        return true;
    }

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ReleaseStep();
        return Task.CompletedTask;
    }

    private ShardOutcome RunShard(string jobId, ShardLease lease, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        if (_step is null || _stepJob != jobId || _step.StepPath != lease.Spec.StepPath)
        {
            ReleaseStep();
            _step = ShardStep.Load(lease.Spec.StepPath, new JobOutputLayout(lease.Spec.OutputFolder).TempFolder);
            _stepJob = jobId;
            logger.LogInformation("Job {Job}: step '{Step}' loaded on {Silo} in {Seconds:F2} s.", jobId, lease.Spec.StepPath, silo.Name, clock.Elapsed.TotalSeconds);
        }
        return ShardRunner.Run(lease.Spec, _step, lease.Shard, lease.FirstRow, lease.RowCount, clock, cancellation);
    }

    private void ReleaseStep()
    {
        _step?.Dispose();
        _step = null;
        _stepJob = null;
    }

    /// <summary>Reports with retries (the job grain may be between silos); if all fail, the lease expires and the shard reruns.</summary>
    private async Task ReportAsync(Func<Task> report)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await report();
                return;
            }
            catch (Exception e) when (attempt < ReportAttempts)
            {
                logger.LogWarning("Reporting to the job grain failed ({Error}); retrying.", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }
}
