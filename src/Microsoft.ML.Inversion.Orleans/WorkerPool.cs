using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// The silo's workers: <see cref="SiloIdentity.Workers"/> loops, each driving its own <see cref="IShardWorkerGrain"/>
/// over the unfinished jobs of the <see cref="IJobDirectoryGrain"/>, polling when there is nothing to do.
/// </summary>
public sealed class WorkerPool(IGrainFactory grains, SiloIdentity silo, ILogger<WorkerPool> logger) : BackgroundService
{
    /// <summary>How long an idle worker waits before looking for work again.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, silo.Workers).Select(i => Task.Run(() => RunWorkerAsync(i, stoppingToken), stoppingToken)));

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
