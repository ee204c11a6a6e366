using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.Inversion.Orleans;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Inversion.Cluster;

/// <summary>
/// How silos find each other and where jobs are stored: Redis (clustering and persistence) when an address is given,
/// otherwise a single-machine cluster (localhost clustering, jobs in memory).
/// </summary>
internal sealed record ClusterEndpoint(string? Redis, string ClusterId, int PrimarySiloPort, int GatewayPort)
{
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    public static ClusterEndpoint From(Arguments args) => new(
        args.Text("redis"),
        args.Text("cluster-id") ?? InversionCluster.DefaultClusterId,
        args.Int("primary-port", args.Int("port", DefaultSiloPort, 1), 1),
        args.Int("gateway-port", DefaultGatewayPort, 1));

    public string Describe => Redis is null ? $"single-machine cluster on 127.0.0.1 (gateway {GatewayPort})" : $"Redis {Redis}, cluster '{ClusterId}'";

    /// <summary>Fails with one clear line when Redis does not answer.</summary>
    public void CheckRedis()
    {
        if (Redis is null)
            return;
        var options = Parse();
        options.ConnectTimeout = 3000;
        options.ConnectRetry = 1;
        options.AbortOnConnectFail = true;
        try
        {
            using var connection = ConnectionMultiplexer.Connect(options);
            connection.GetDatabase().Ping();
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ArgumentException)
        {
            throw new UsageException($"cannot reach Redis at '{Redis}': {FirstLine(e.Message)}");
        }
    }

    public void ConfigureSilo(ISiloBuilder silo, IPAddress address, int siloPort, int gatewayPort, bool fastFailureDetection)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = InversionCluster.ServiceId;
        });
        if (Redis is null)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, PrimarySiloPort), InversionCluster.ServiceId, ClusterId);
            silo.AddMemoryGrainStorage(InversionCluster.StorageName);
        }
        else
        {
            silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
            silo.UseRedisClustering(o => o.ConfigurationOptions = Parse());
            silo.AddRedisGrainStorage(InversionCluster.StorageName, o => o.ConfigurationOptions = Parse());
        }
        if (fastFailureDetection)
        {
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
            });
        }
    }

    public void ConfigureClient(IClientBuilder client)
    {
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = InversionCluster.ServiceId;
        });
        if (Redis is null)
            client.UseLocalhostClustering(GatewayPort, InversionCluster.ServiceId, ClusterId);
        else
        {
            client.UseRedisClustering(o => o.ConfigurationOptions = Parse());
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        }
    }

    private ConfigurationOptions Parse()
    {
        try
        {
            return ConfigurationOptions.Parse(Redis!);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"'{Redis}' is not a Redis address: {e.Message}");
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
