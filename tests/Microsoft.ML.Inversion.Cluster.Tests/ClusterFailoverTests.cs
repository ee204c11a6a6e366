using Microsoft.ML.Inversion.Orleans;

namespace Microsoft.ML.Inversion.Cluster.Tests;

/// <summary>
/// Three silo processes on Redis run a 24-row job; one is killed with SIGKILL mid-job. The job must finish with one
/// output per row, equal to a single-process Transform of the same step.
/// </summary>
[TestClass]
public sealed class ClusterFailoverTests
{
    private const int ShardSize = 3;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task KillingASiloThatHoldsALeaseLosesNoRowAndDuplicatesNone()
    {
        string folder = Folder();
        var data = ClusterTestData.Create(Path.Combine(folder, "input"));
        string output = Path.Combine(folder, "output");
        await using var cluster = await TestCluster.StartAsync(silos: 3);
        var deadline = DateTime.UtcNow.AddMinutes(4);

        // Submit through the host's own verb, as a user would.
        var (code, text) = ChildProcess.RunHost(TimeSpan.FromMinutes(2), "submit", "--redis", cluster.Redis.Address, "--cluster-id", TestCluster.ClusterId,
            "--job", "failover", "--step", data.StepPath, "--input", data.ListPath, "--out", output, "--shard-size", $"{ShardSize}", "--lease-seconds", $"{Lease.TotalSeconds}");
        Assert.AreEqual(0, code, text);

        // Kill a silo (not the job grain's) right after it leases a shard, while the shard runs.
        ShardState? victim = null;
        ChildProcess? killed = null;
        while (victim is null)
        {
            var status = await cluster.StatusAsync("failover", deadline);
            Assert.AreEqual(JobPhase.Running, status.Phase, $"the job ended before a silo could be killed\n{cluster.Diagnostics()}");
            victim = status.Shards.FirstOrDefault(s => s.Status == ShardStatus.Leased && s.Silo != NameOf(cluster, status.HostProcessId));
            if (victim is not null)
            {
                killed = cluster.SiloNamed(victim.Silo!);
                killed.Kill();
            }
            else
                await Task.Delay(50);
        }
        TestContext.WriteLine($"killed {killed!.Name} holding shard {victim.Index}");

        var final = await cluster.WaitUntilDoneAsync("failover", deadline);
        Assert.AreEqual(JobPhase.Finished, final.Phase);
        Assert.AreEqual(0L, final.FailedRows, cluster.Diagnostics());
        Assert.AreEqual((long)ClusterTestData.Rows, final.RowsDone);
        var shard = final.Shards[victim.Index];
        Assert.AreEqual(ShardStatus.Done, shard.Status);
        Assert.AreNotEqual(killed.Name, shard.Silo, "the killed silo's shard was finished by another silo");
        Assert.IsGreaterThanOrEqualTo(2, shard.Attempts, "the expired lease went back to pending and was leased again");
        data.AssertOutputsMatchSingleProcess(output, ShardSize);
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task KillingTheSiloThatHostsTheJobGrainResumesFromPersistedState()
    {
        string folder = Folder();
        var data = ClusterTestData.Create(Path.Combine(folder, "input"));
        string output = Path.Combine(folder, "output");
        await using var cluster = await TestCluster.StartAsync(silos: 3);
        var deadline = DateTime.UtcNow.AddMinutes(4);
        var job = cluster.Client.GetGrain<IInversionJobGrain>("resume");
        await job.Submit(data.Spec(output, ShardSize, Lease));

        JobStatus before;
        while ((before = await cluster.StatusAsync("resume", deadline)).Shards.Count(s => s.Status == ShardStatus.Done) < 2)
        {
            Assert.AreEqual(JobPhase.Running, before.Phase, "the job ended before its host could be killed");
            await Task.Delay(50);
        }
        var host = cluster.SiloWithProcessId(before.HostProcessId);
        host.Kill();
        var doneBefore = before.Shards.Where(s => s.Status == ShardStatus.Done).ToList();
        TestContext.WriteLine($"killed the job grain's silo {host.Name} with {doneBefore.Count} shards done");

        var final = await cluster.WaitUntilDoneAsync("resume", deadline);
        Assert.AreEqual(JobPhase.Finished, final.Phase);
        Assert.AreNotEqual(before.HostProcessId, final.HostProcessId, "the job grain moved to a live silo");
        Assert.AreEqual(0L, final.FailedRows, cluster.Diagnostics());
        foreach (var shard in doneBefore)
        {
            var now = final.Shards[shard.Index];
            Assert.AreEqual(ShardStatus.Done, now.Status);
            Assert.AreEqual(shard.CompletedAt, now.CompletedAt, $"shard {shard.Index} was done before the kill and kept its persisted state");
            Assert.AreEqual(shard.Attempts, now.Attempts, $"shard {shard.Index} was not run again");
        }
        data.AssertOutputsMatchSingleProcess(output, ShardSize);
    }

    private static string? NameOf(TestCluster cluster, int processId) => cluster.Silos.FirstOrDefault(s => s.Id == processId)?.Name;

    private string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "inversion-cluster-tests", $"{TestContext.TestName}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
