using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.Inversion.Orleans;
using Orleans.Configuration;

namespace Microsoft.ML.Inversion.Cluster.Tests;

/// <summary>
/// redis-server plus silo processes of the Inversion.Cluster host (one worker, one torch thread each, fast failure
/// detection) and an Orleans client in the test process; everything is killed on dispose.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public const string ClusterId = "cluster-tests";

    private readonly List<ChildProcess> _silos = [];
    private IHost? _client;

    private TestCluster(RedisServer redis) => Redis = redis;

    public RedisServer Redis { get; }

    public IReadOnlyList<ChildProcess> Silos => _silos;

    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    public static async Task<TestCluster> StartAsync(int silos)
    {
        var cluster = new TestCluster(RedisServer.Start());
        try
        {
            for (int i = 0; i < silos; i++)
            {
                string name = $"silo-{i}";
                cluster._silos.Add(ChildProcess.StartHost(name, "silo", "--redis", cluster.Redis.Address, "--cluster-id", ClusterId, "--name", name,
                    "--workers", "1", "--threads", "1", "--port", $"{ClusterPaths.FreePort()}", "--gateway-port", $"{ClusterPaths.FreePort()}",
                    "--fast-failure-detection"));
            }
            foreach (var silo in cluster._silos)
            {
                silo.WaitFor("joined", TimeSpan.FromSeconds(90));
                silo.WaitFor(WorkerPool.ReadyMessage, TimeSpan.FromSeconds(120));
                Assert.DoesNotContain(") failed after", silo.Output, $"{silo.Name}'s warm-up failed");
                Assert.Contains($"Warm-up on {silo.Name} (built-in ResNet18", silo.Output, $"{silo.Name} warmed up before its workers started");
            }
            cluster._client = new HostBuilder().UseOrleansClient(client => client
                .UseRedisClustering(cluster.Redis.Address)
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = InversionCluster.ServiceId;
                })
                .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2))).Build();
            await cluster._client.StartAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public ChildProcess SiloWithProcessId(int id) => _silos.Single(s => s.Id == id);

    public ChildProcess SiloNamed(string name) => _silos.Single(s => s.Name == name);

    /// <summary>The job's status, retried while the cluster recovers from a dead silo.</summary>
    public async Task<JobStatus> StatusAsync(string jobId, DateTime deadline)
    {
        while (true)
        {
            try
            {
                return await Client.GetGrain<IInversionJobGrain>(jobId).GetStatus().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Polls until the job is no longer running; fails with the silos' output after the deadline.</summary>
    public async Task<JobStatus> WaitUntilDoneAsync(string jobId, DateTime deadline)
    {
        while (true)
        {
            var status = await StatusAsync(jobId, deadline);
            if (status.Phase != JobPhase.Running)
                return status;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"job {jobId} did not finish in time: {status.RowsDone}/{status.TotalRows} rows\n{Diagnostics()}");
            await Task.Delay(250);
        }
    }

    public string Diagnostics() => string.Join("\n", _silos.Select(s => $"--- {s.Name} (pid {s.Id}, exited {s.HasExited}):\n{s.Output}"));

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            try
            {
                await _client.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            }
            catch (Exception)
            {
                // the cluster may already be gone
            }
            _client.Dispose();
        }
        foreach (var silo in _silos)
            silo.Dispose();
        Redis.Dispose();
    }
}
