using System.Diagnostics;

namespace Inversion.Cluster;

/// <summary>Silo processes this process starts (the benchmark's cluster), killed with their process trees on dispose.</summary>
internal sealed class ChildSilos : IDisposable
{
    private readonly List<Process> _processes = [];

    /// <summary>Starts this executable with <paramref name="arguments"/>, its output prefixed and echoed when <paramref name="echo"/>.</summary>
    public Process Start(IEnumerable<string> arguments, bool echo)
    {
        string self = Path.Combine(AppContext.BaseDirectory, "Inversion.Cluster.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(self);
        foreach (string a in arguments)
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a silo process");
        process.OutputDataReceived += (_, e) =>
        {
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
        _processes.Add(process);
        return process;
    }

    public void Dispose()
    {
        foreach (var process in _processes)
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
        _processes.Clear();
    }
}
