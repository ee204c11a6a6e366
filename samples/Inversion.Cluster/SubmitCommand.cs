using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.Inversion.Orleans;

namespace Inversion.Cluster;

/// <summary>
/// <c>submit</c>: checks the step and the input, writes the manifest, and starts the job on the cluster. With no
/// <c>--redis</c> it starts a single-machine cluster in this process and runs the job to the end.
/// </summary>
internal static class SubmitCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var endpoint = ClusterEndpoint.From(args);
        string output = Path.GetFullPath(args.Text("out") ?? throw new UsageException("submit needs --out DIR (the output folder)"));
        var inputs = args.All("input");
        if (inputs.Count == 0)
            throw new UsageException("submit needs --input (a folder of images, a text file of paths, or image files)");
        string jobId = args.Text("job") ?? $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        int shardSize = args.Int("shard-size", 16, 1);
        var lease = TimeSpan.FromSeconds(args.Int("lease-seconds", 120, 1));
        int maxAttempts = args.Int("max-attempts", 3, 1);
        bool wait = args.Flag("wait") || endpoint.Redis is null && !args.Flag("gateway");
        var local = endpoint.Redis is null && !args.Flag("gateway") ? SiloSettings.From(args, Environment.ProcessorCount) : null;

        IReadOnlyList<string> rows;
        try
        {
            rows = JobInput.Resolve(inputs);
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException(e.Message);
        }
        if (rows.Count == 0)
            throw new UsageException($"the input ({string.Join(", ", inputs)}) has no images");
        var layout = new JobOutputLayout(output);
        string step = StepFactory.Resolve(args, layout.StepPath);
        args.RejectUnknown();
        endpoint.CheckRedis();
        layout.Create();
        var spec = new InversionJobSpec
        {
            StepPath = step,
            ManifestPath = JobInput.WriteManifest(rows, layout),
            RowCount = rows.Count,
            ShardSize = shardSize,
            OutputFolder = output,
            LeaseDuration = lease,
            MaxAttempts = maxAttempts,
        };

        if (local is not null)
        {
            Console.WriteLine($"no --redis: running a single-machine cluster in this process ({local.Workers} workers, {local.Threads} torch thread each)");
            using var host = SiloHost.Build(endpoint, local);
            await host.StartAsync();
            var client = host.Services.GetRequiredService<IClusterClient>();
            int code = await SubmitAsync(client, jobId, spec, wait: true);
            await host.StopAsync();
            return code;
        }
        await using var connection = await ClusterConnection.ConnectAsync(endpoint);
        return await SubmitAsync(connection.Client, jobId, spec, wait);
    }

    private static async Task<int> SubmitAsync(IClusterClient client, string jobId, InversionJobSpec spec, bool wait)
    {
        var job = client.GetGrain<IInversionJobGrain>(jobId);
        JobStatus status;
        try
        {
            status = await job.Submit(spec);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        Console.WriteLine($"job '{jobId}': {spec.RowCount} rows in {status.Shards.Count} shards of {spec.ShardSize}, output {spec.OutputFolder}");
        if (!wait)
            return 0;
        status = await StatusView.WatchAsync(job, TimeSpan.FromSeconds(2), Console.Out);
        return status.Phase == JobPhase.Finished && status.FailedRows == 0 ? 0 : 1;
    }
}
