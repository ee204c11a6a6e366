using System.Diagnostics;
using System.Text;

namespace Microsoft.ML.Inversion.Cluster.Tests;

/// <summary>A process a test starts: its output kept for diagnostics, its tree killed (SIGKILL) on dispose.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Starts the Inversion.Cluster host with a verb and its options.</summary>
    public static ChildProcess StartHost(string name, params string[] arguments) => Start(name, "dotnet", [ClusterPaths.ClusterHost, .. arguments]);

    /// <summary>Runs the host to its end (at most <paramref name="timeout"/>): exit code and output.</summary>
    public static (int ExitCode, string Output) RunHost(TimeSpan timeout, params string[] arguments)
    {
        using var child = StartHost("host", arguments);
        if (!child._process.WaitForExit(timeout))
            Assert.Fail($"Inversion.Cluster {string.Join(' ', arguments)} did not end within {timeout}; output:\n{child.Output}");
        child._process.WaitForExit();
        return (child._process.ExitCode, child.Output);
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output otherwise.</summary>
    public void WaitFor(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"{Name} did not print '{text}' within {timeout} (exited: {HasExited}); output:\n{Output}");
            Thread.Sleep(100);
        }
    }

    /// <summary>SIGKILL, no chance to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }
}
