using System.Globalization;
using Microsoft.ML.Inversion.Orleans;

namespace Inversion.Cluster;

/// <summary>Prints a job's status: a progress bar, rows/s, per-silo lines and failures.</summary>
internal static class StatusView
{
    public static void Print(JobStatus status, TextWriter output)
    {
        if (status.Phase == JobPhase.Unknown)
        {
            output.WriteLine($"job '{status.JobId}': no such job");
            return;
        }
        double fraction = status.TotalRows == 0 ? 0 : (double)(status.RowsDone + status.FailedRows) / status.TotalRows;
        int filled = (int)Math.Round(fraction * 30);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"job '{status.JobId}' {status.Phase.ToString().ToLowerInvariant()}: [{new string('#', filled)}{new string('.', 30 - filled)}] " +
            $"{status.RowsDone}/{status.TotalRows} rows done, {status.RowsPerSecond:F3} rows/s, {status.BadRows} bad rows, {status.FailedRows} rows in failed shards; job grain on {status.Host}"));
        foreach (var silo in status.Silos)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  silo {silo.Silo}: {silo.RowsDone} rows, {silo.RowsPerSecond:F3} rows/s, {silo.Leases} leases"));
        foreach (var shard in status.Shards.Where(s => s.Status == ShardStatus.Failed))
            output.WriteLine($"  shard {shard.Index} failed after {shard.Attempts} attempts: {shard.Error}");
    }

    /// <summary>Prints the status every <paramref name="interval"/> until the job is no longer running.</summary>
    public static async Task<JobStatus> WatchAsync(IInversionJobGrain job, TimeSpan interval, TextWriter output)
    {
        while (true)
        {
            var status = await job.GetStatus();
            Print(status, output);
            if (status.Phase != JobPhase.Running)
                return status;
            await Task.Delay(interval);
        }
    }
}
