using System.Diagnostics;
using System.Text.Json;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>
/// Our step against the same step written in PyTorch: runs <c>pytorch_step.py</c> with Debian's python3-torch once a
/// round, alternating with our own measurement, and keeps each layer's median over the rounds.
/// </summary>
internal static class PyTorchStep
{
    /// <summary>The threads both sides run on.</summary>
    public const int Threads = 2;

    private const string Python = "/usr/bin/python3";

    /// <summary>The comparison, or why it was skipped.</summary>
    public sealed record Result(bool Available, string Reason, string Version, IReadOnlyList<(string Layer, double Ours, double PyTorch)> Rows);

    /// <summary>Measures <paramref name="ours"/> and the PyTorch step at each layer, <paramref name="rounds"/> times in turn.</summary>
    public static Result Measure(IReadOnlyList<string> layers, int rounds, int warmup, int measured, Func<string, double> ours)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch_step.py");
        if (!File.Exists(Python) || Run(Python, "-c \"import torch, torchvision\"", out _) != 0)
            return new Result(false, $"{Python} with torch and torchvision is not installed (apt-get install python3-torch python3-torchvision), so the PyTorch comparison did not run.", "", []);
        var oursTimes = layers.ToDictionary(l => l, _ => new List<double>());
        var theirs = layers.ToDictionary(l => l, _ => new List<double>());
        string version = "";
        for (int round = 0; round < rounds; round++)
        {
            foreach (string layer in layers)
                oursTimes[layer].Add(ours(layer));
            string arguments = $"\"{script}\" --layers {string.Join(',', layers)} --warmup {warmup} --measured {measured} --threads {Threads}";
            if (Run(Python, arguments, out string output) != 0)
                return new Result(false, $"pytorch_step.py failed: {output.Trim()}", "", []);
            using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            version = json.RootElement.GetProperty("torch").GetString() ?? "";
            foreach (string layer in layers)
                theirs[layer].Add(json.RootElement.GetProperty("seconds").GetProperty(layer).GetDouble());
        }
        return new Result(true, "", version, layers.Select(l => (l, Timing.Median(oursTimes[l]), Timing.Median(theirs[l]))).ToList());
    }

    private static int Run(string file, string arguments, out string output)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            output += error.Result;
        return process.ExitCode;
    }
}
