using Microsoft.Extensions.Hosting;

namespace Inversion.Cluster;

/// <summary>
/// <c>silo</c>: joins the cluster, warms up (unless <c>--no-warm-up</c>: a short inversion on the built-in network, see
/// <see cref="SiloHost"/>) and runs shards until stopped (Ctrl+C or SIGTERM).
/// </summary>
internal static class SiloCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var endpoint = ClusterEndpoint.From(args);
        var settings = SiloSettings.From(args) with { WarmUp = !args.Flag("no-warm-up") };
        args.RejectUnknown();
        endpoint.CheckRedis();
        using var host = SiloHost.Build(endpoint, settings);
        await host.StartAsync();
        Console.WriteLine($"silo {settings.Name} (pid {Environment.ProcessId}) joined the {endpoint.Describe}: {settings.Workers} workers, {settings.Threads} torch threads, port {settings.SiloPort}, gateway {settings.GatewayPort}");
        await host.WaitForShutdownAsync();
        return 0;
    }
}
