using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.ML.Inversion.Orleans;

namespace Inversion.Cluster;

/// <summary>Builds a silo process's host: clustering and storage per the endpoint, the inversion workers, console logging.</summary>
internal static class SiloHost
{
    /// <summary>
    /// The warm-up step's flags: the built-in ResNet18 inverted at its deepest stage on a small image, enough steps for
    /// .NET to compile the optimisation loop's hot code fully (a method is recompiled after 30 calls).
    /// </summary>
    private static readonly string[] WarmUpStep = ["--layer", "stage4", "--iterations", "40", "--image-size", $"{StepWarmUp.ImageSize}", "--batch-size", "1"];

    public static IHost Build(ClusterEndpoint endpoint, SiloSettings settings)
    {
        TorchSharp.torch.set_num_threads(settings.Threads);
        return new HostBuilder()
            .UseOrleans(silo =>
            {
                endpoint.ConfigureSilo(silo, settings.Address, settings.SiloPort, settings.GatewayPort, settings.FastFailureDetection);
                silo.AddInversionWorkers(settings.Name, settings.Workers);
                if (settings.WarmUp)
                {
                    silo.AddInversionWarmUp(new StepWarmUp(
                        $"built-in ResNet18, {string.Join(' ', WarmUpStep)}",
                        folder => StepFactory.Resolve(new Arguments(WarmUpStep), Path.Combine(folder, "step.json"))));
                }
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
