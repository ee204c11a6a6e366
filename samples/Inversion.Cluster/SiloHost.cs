using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.ML.Inversion.Orleans;

namespace Inversion.Cluster;

/// <summary>Builds a silo process's host: clustering and storage per the endpoint, the inversion workers, console logging.</summary>
internal static class SiloHost
{
    public static IHost Build(ClusterEndpoint endpoint, SiloSettings settings)
    {
        TorchSharp.torch.set_num_threads(settings.Threads);
        return new HostBuilder()
            .UseOrleans(silo =>
            {
                endpoint.ConfigureSilo(silo, settings.Address, settings.SiloPort, settings.GatewayPort, settings.FastFailureDetection);
                silo.AddInversionWorkers(settings.Name, settings.Workers);
            })
            .ConfigureLogging(logging => logging
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss ";
                })
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Orleans.Runtime.Silo", LogLevel.Error)
                .AddFilter("Microsoft.ML.Inversion", LogLevel.Information))
            .Build();
    }
}
