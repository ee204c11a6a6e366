using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>Makes an Orleans silo an inversion worker.</summary>
public static class InversionSiloBuilderExtensions
{
    /// <summary>
    /// Registers the silo's identity and its <paramref name="workers"/> worker loops. The silo also needs clustering
    /// and a grain storage named <see cref="InversionCluster.StorageName"/> (Redis on a real cluster).
    /// </summary>
    /// <param name="builder">The silo.</param>
    /// <param name="siloName">A name unique in the cluster (reported per shard and in the status).</param>
    /// <param name="workers">Shards run at a time on this silo (0: the silo coordinates but runs none).</param>
    public static ISiloBuilder AddInversionWorkers(this ISiloBuilder builder, string siloName, int workers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(siloName);
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        builder.Services.AddSingleton(new SiloIdentity(siloName, workers));
        builder.Services.AddHostedService<WorkerPool>();
        return builder;
    }

    /// <summary>
    /// Adds a warm-up the silo runs before its workers lease shards (see <see cref="IWorkerWarmUp"/>), for example a
    /// <see cref="StepWarmUp"/> on the network the cluster's jobs use.
    /// </summary>
    /// <param name="builder">The silo.</param>
    /// <param name="warmUp">The warm-up.</param>
    public static ISiloBuilder AddInversionWarmUp(this ISiloBuilder builder, IWorkerWarmUp warmUp)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(warmUp);
        builder.Services.AddSingleton(warmUp);
        return builder;
    }
}
