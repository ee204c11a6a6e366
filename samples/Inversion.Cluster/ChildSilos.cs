using System.Diagnostics;
using Microsoft.ML.Inversion.Orleans;

namespace Inversion.Cluster;

/// <summary>Silo processes this process starts (the benchmark's cluster), killed with their process trees on dispose.</summary>
internal sealed class ChildSilos : IDisposable
{
    private readonly Dictionary<Process, TaskCompletionSource> _ready = [];

    /// <summary>Starts this executable with <paramref name="arguments"/>, its output prefixed and echoed when <paramref name="echo"/>.</summary>
    public Process Start(IEnumerable<string> arguments, bool echo)
    {
        string self = Path.Combine(AppContext.BaseDirectory, "Inversion.Cluster.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(self);
        foreach (string a in arguments)
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a silo process");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ready[process] = ready;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains(WorkerPool.ReadyMessage, StringComparison.Ordinal) == true)
                ready.TrySetResult();
            if (echo && e.Data is not null)
                Console.WriteLine($"  [silo {process.Id}] {e.Data}");
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                Console.Error.WriteLine($"  [silo {process.Id}] {e.Data}");
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Completes when the silo logs that its workers look for shards (after its warm-up).</summary>
    public async Task WhenReadyAsync(Process process, TimeSpan timeout)
    {
        var ready = _ready[process].Task;
        if (await Task.WhenAny(ready, Task.Delay(timeout)) != ready)
            throw new TimeoutException($"silo process {process.Id} was not ready in {timeout.TotalSeconds:F0} s");
    }

    public void Dispose()
    {
        foreach (var process in _ready.Keys)
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            process.Dispose();
        }
        _ready.Clear();
    }
}
