using Microsoft.ML.Inversion.Orleans;

namespace Inversion.Cluster;

/// <summary><c>status</c> (<c>--watch</c> to follow it to the end) and <c>cancel</c> of a job.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(Arguments args, bool cancel)
    {
        var endpoint = ClusterEndpoint.From(args);
        string jobId = args.Text("job") ?? throw new UsageException("give the job's id with --job ID");
        bool watch = args.Flag("watch");
        args.RejectUnknown();
        await using var connection = await ClusterConnection.ConnectAsync(endpoint);
        var job = connection.Client.GetGrain<IInversionJobGrain>(jobId);
        var status = cancel ? await job.Cancel() : await job.GetStatus();
        if (watch && !cancel)
            status = await StatusView.WatchAsync(job, TimeSpan.FromSeconds(2), Console.Out);
        else
            StatusView.Print(status, Console.Out);
        return status.Phase == JobPhase.Unknown ? 1 : 0;
    }
}
