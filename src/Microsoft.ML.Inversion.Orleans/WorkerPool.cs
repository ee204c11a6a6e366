using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// The silo's workers: <see cref="SiloIdentity.Workers"/> loops, each driving its own <see cref="IShardWorkerGrain"/>
/// over the unfinished jobs of the <see cref="IJobDirectoryGrain"/>, polling when there is nothing to do. The
/// silo's <see cref="IWorkerWarmUp"/>s run first; a failed warm-up is logged and the workers start anyway.
/// </summary>
public sealed class WorkerPool(IGrainFactory grains, SiloIdentity silo, IEnumerable<IWorkerWarmUp> warmUps, ILogger<WorkerPool> logger) : BackgroundService
{
    /// <summary>The line (start) the silo logs when its workers begin looking for shards.</summary>
    public const string ReadyMessage = "Workers ready";

    /// <summary>How long an idle worker waits before looking for work again.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromSeconds(1);

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
                foreach (string job in await directory.GetActive())
                {
                    while (!stop.IsCancellationRequested && await worker.RunOne(job))
                        worked = true;
                }
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
