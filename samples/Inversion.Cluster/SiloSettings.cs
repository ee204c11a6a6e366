using System.Net;

namespace Inversion.Cluster;

/// <summary>One silo's options: its name, workers, torch threads, ports, failure-detection speed and warm-up.</summary>
internal sealed record SiloSettings(string Name, int Workers, int Threads, IPAddress Address, int SiloPort, int GatewayPort, bool FastFailureDetection)
{
    /// <summary>Whether the silo runs a short inversion on the built-in network before its workers take shards.</summary>
    public bool WarmUp { get; init; }

    public static SiloSettings From(Arguments args, int defaultWorkers = 1)
    {
        int workers = args.Int("workers", defaultWorkers, 0);
        int threads = args.Int("threads", Math.Max(1, Environment.ProcessorCount / Math.Max(1, workers)), 1);
        string address = args.Text("address") ?? "127.0.0.1";
        if (!IPAddress.TryParse(address, out var ip))
            throw new UsageException($"--address must be an IP address, not '{address}'");
        return new SiloSettings(
            args.Text("name") ?? $"{Environment.MachineName}-{Environment.ProcessId}",
            workers,
            threads,
            ip,
            args.Int("port", ClusterEndpoint.DefaultSiloPort, 1),
            args.Int("gateway-port", ClusterEndpoint.DefaultGatewayPort, 1),
            args.Flag("fast-failure-detection"));
    }
}
