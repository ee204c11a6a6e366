using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// The silo's workers: <see cref="SiloIdentity.Workers"/> loops, each driving its own <see cref="IShardWorkerGrain"/>
/// over the unfinished jobs of the <see cref="IJobDirectoryGrain"/>. With no job, a worker waits on the directory
/// (<see cref="IJobDirectoryGrain.WaitForActive"/>), so all silos start a new job together; with jobs but no shard to
/// lease, it looks again every <see cref="PollInterval"/>. The silo's <see cref="IWorkerWarmUp"/>s run first; a failed
/// warm-up is logged and the workers start anyway.
/// </summary>
public sealed class WorkerPool(IGrainFactory grains, SiloIdentity silo, IEnumerable<IWorkerWarmUp> warmUps, ILogger<WorkerPool> logger) : BackgroundService
{
    /// <summary>The line (start) the silo logs when its workers begin looking for shards.</summary>
    public const string ReadyMessage = "Workers ready";

    /// <summary>How long a worker waits before looking again when the jobs it found had no shard to lease.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest one wait on the directory for a job lasts (well inside Orleans' response timeout).</summary>
    public static TimeSpan JobWait { get; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (silo.Workers == 0)
            return;
        foreach (var warmUp in warmUps)
            await Task.Run(() => WarmUp(warmUp, stoppingToken), stoppingToken);
        logger.LogInformation(ReadyMessage + " on {Silo}: {Workers}.", silo.Name, silo.Workers);
        await Task.WhenAll(Enumerable.Range(0, silo.Workers).Select(i => Task.Run(() => RunWorkerAsync(i, stoppingToken), stoppingToken)));
    }

    private void WarmUp(IWorkerWarmUp warmUp, CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            warmUp.Run(stop);
            logger.LogInformation("Warm-up on {Silo} ({WarmUp}) took {Seconds:F1} s.", silo.Name, warmUp.Description, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            logger.LogWarning("Warm-up on {Silo} ({WarmUp}) failed after {Seconds:F1} s: {Error}; the workers start anyway.", silo.Name, warmUp.Description, clock.Elapsed.TotalSeconds, e.Message);
        }
    }

    private async Task RunWorkerAsync(int index, CancellationToken stop)
    {
        var worker = grains.GetGrain<IShardWorkerGrain>($"{silo.Name}/{index}");
        var directory = grains.GetGrain<IJobDirectoryGrain>(InversionCluster.DirectoryKey);
        while (!stop.IsCancellationRequested)
        {
            bool worked = false;
            try
            {
                var jobs = await directory.WaitForActive(JobWait).WaitAsync(stop);
                if (jobs.Count == 0)
                    continue;
                foreach (string job in jobs)
                {
                    while (!stop.IsCancellationRequested && await worker.RunOne(job))
                        worked = true;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                logger.LogWarning("Worker {Silo}/{Index}: {Error}; retrying.", silo.Name, index, e.Message);
            }
            if (!worked)
            {
                try
                {
                    await Task.Delay(PollInterval, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
