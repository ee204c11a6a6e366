using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Inversion.Cluster;

/// <summary>A client connected to the cluster's gateways.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    public static async Task<ClusterConnection> ConnectAsync(ClusterEndpoint endpoint)
    {
        endpoint.CheckRedis();
        var host = new HostBuilder()
            .UseOrleansClient(endpoint.ConfigureClient)
            .ConfigureLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Error))
            .Build();
        try
        {
            await host.StartAsync();
        }
        catch (Exception e)
        {
            host.Dispose();
            throw new UsageException($"cannot connect to the cluster ({endpoint.Describe}): {e.Message.Split('\n')[0]} Is a silo running?");
        }
        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
