using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.Inversion.Orleans;

namespace Microsoft.ML.Inversion.Cluster.Tests;

/// <summary>
/// The job directory's wait for work on a real (one-silo, in-process) Orleans cluster: an idle worker's wait ends when
/// a job is submitted, not a poll interval later, and a wait with nothing submitted ends empty at its limit.
/// </summary>
[TestClass]
public sealed class ClusterJobDirectoryTests
{
    private static IHost _silo = null!;

    [ClassInitialize]
    public static async Task StartSilo(TestContext context)
    {
        _silo = Host.CreateDefaultBuilder()
            .UseOrleans(silo =>
            {
                int port = ClusterPaths.FreePort();
                silo.UseLocalhostClustering(port, ClusterPaths.FreePort(), new IPEndPoint(IPAddress.Loopback, port), "directory-tests", "directory-tests");
                silo.AddMemoryGrainStorage(InversionCluster.StorageName);
            })
            .Build();
        await _silo.StartAsync(context.CancellationToken);
    }

    [ClassCleanup]
    public static async Task StopSilo()
    {
        await _silo.StopAsync();
        _silo.Dispose();
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task AWaitingWorkerWakesWhenAJobIsAdded()
    {
        var directory = Grains().GetGrain<IJobDirectoryGrain>(1);
        var clock = Stopwatch.StartNew();
        var waiting = directory.WaitForActive(TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        Assert.IsFalse(waiting.IsCompleted, "the wait returned before any job was added");

        // The wait is interleaved: it does not hold up the Add that ends it.
        await directory.Add("job-a");
        var jobs = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsLessThan(10.0, clock.Elapsed.TotalSeconds, "the wait did not end on Add");
        CollectionAssert.AreEqual(new[] { "job-a" }, jobs.ToArray());

        // With a job listed, the wait returns at once.
        clock.Restart();
        CollectionAssert.AreEqual(new[] { "job-a" }, (await directory.WaitForActive(TimeSpan.FromSeconds(30))).ToArray());
        Assert.IsLessThan(5.0, clock.Elapsed.TotalSeconds);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task AWaitWithNoJobEndsEmptyAtItsLimit()
    {
        var directory = Grains().GetGrain<IJobDirectoryGrain>(2);
        var clock = Stopwatch.StartNew();
        var jobs = await directory.WaitForActive(TimeSpan.FromSeconds(1));
        Assert.IsEmpty(jobs);
        Assert.IsGreaterThanOrEqualTo(0.9, clock.Elapsed.TotalSeconds);

        // A zero wait only lists.
        await directory.Add("job-b");
        CollectionAssert.AreEqual(new[] { "job-b" }, (await directory.WaitForActive(TimeSpan.Zero)).ToArray());
        await directory.Remove("job-b");
        Assert.IsEmpty(await directory.WaitForActive(TimeSpan.Zero));
    }

    private static IGrainFactory Grains() => _silo.Services.GetRequiredService<IGrainFactory>();
}
