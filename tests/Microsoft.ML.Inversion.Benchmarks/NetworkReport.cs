using System.Text;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>
/// The network benchmark's results as a markdown section, written between <see cref="StartMarker"/> and
/// <see cref="EndMarker"/> of a file (docs/backbones.md) so that the rest of the file stays as written.
/// </summary>
/// <param name="Results">One row per network.</param>
/// <param name="Speeds">The timed networks, at each batch size.</param>
/// <param name="Machine">The machine, as <c>MachineDescription.Describe</c> puts it.</param>
/// <param name="OnnxRuntimeVersion">The ONNX Runtime library's version.</param>
/// <param name="Exporter">The versions of torch, torchvision and onnx that exported the files.</param>
/// <param name="ExportCommands">The export commands recorded in the manifest.</param>
/// <param name="BenchCommand">The command that ran the benchmark.</param>
/// <param name="Rounds">Interleaved rounds per speed figure.</param>
/// <param name="AllocatorTuned">Whether glibc's malloc was tuned (<c>NativeAllocatorTuning</c>).</param>
/// <param name="Date">When the run ended (UTC).</param>
/// <param name="Elapsed">How long the run took.</param>
internal sealed record NetworkReport(
    IReadOnlyList<NetworkResult> Results, IReadOnlyList<SpeedResult> Speeds, string Machine, string OnnxRuntimeVersion, string Exporter,
    IReadOnlyList<string> ExportCommands, string BenchCommand, int Rounds, bool AllocatorTuned, DateTime Date, TimeSpan Elapsed)
{
    /// <summary>The line before the generated section.</summary>
    public const string StartMarker = "<!-- full-size-networks:start -->";

    /// <summary>The line after the generated section.</summary>
    public const string EndMarker = "<!-- full-size-networks:end -->";

    private const int LongestMessage = 300;

    /// <summary>"N of M imported and matched below 1e-4".</summary>
    public string CountLine => $"{Results.Count(r => r.Matched)} of {Results.Count} imported and matched below {NetworkBenchmark.Tolerance:0e0}";

    /// <summary>The section, without the markers.</summary>
    public string Markdown()
    {
        var text = new StringBuilder();
        string exportCommand = ExportCommands.Count > 0
            ? string.Join(" and ", ExportCommands.Select(c => $"`{c}`"))
            : "`/usr/bin/python3 tests/Microsoft.ML.Inversion.Benchmarks/export_full_networks.py`";
        text.AppendLine("### Measured: full-size networks against ONNX Runtime");
        text.AppendLine();
        text.AppendLine($"Generated on {Date:yyyy-MM-dd HH:mm} UTC in {Elapsed.TotalMinutes:F0} min by `{BenchCommand}`, on files exported by {exportCommand} ({Exporter}).  ");
        text.AppendLine($"Machine: {Machine}.  ");
        text.AppendLine($"ONNX Runtime {OnnxRuntimeVersion}: {OnnxRuntimeRunner.Threads} intra-op threads, 1 inter-op thread, sequential execution, all graph optimisations. " +
                        $"Ours: libtorch with {OnnxRuntimeRunner.Threads} threads, native allocator tuning {(AllocatorTuned ? "applied" : "not applied")}.");
        text.AppendLine();
        int gradients = Results.Count(r => r.GradientOk == true);
        text.AppendLine($"**{CountLine}** (relative L2 error of the final output against ONNX Runtime, batch 1, a fixed random input); " +
                        $"the input gradient from the mid-graph value (times a fixed random tensor, summed) was finite and non-zero for {gradients} of {Results.Count}.");
        text.AppendLine();
        text.AppendLine("The two columns after the error read it against what float32 rounding costs on each network: our float32 output's and ONNX Runtime's " +
                        "relative L2 error against the same graph run in float64 (our importer, float64 weights and arithmetic), on the same input.");
        text.AppendLine();
        text.AppendLine("| network | opset | import | rel. L2 error | ours vs float64 | ONNX Runtime vs float64 | gradient | notes |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (NetworkResult r in Results)
        {
            string import = r.Failure is null ? "ok" : Cell(r.Failure);
            string error = r.RelativeError is double e ? (r.Matched ? $"{e:0.0e+00}" : $"**{e:0.0e+00}**") : "–";
            string gradient = r.GradientOk switch { true => "ok", false => "**no**", null => "–" };
            string ours = r.OursAgainstFloat64 is double o ? $"{o:0.0e+00}" : "–";
            string onnxRuntime = r.OnnxRuntimeAgainstFloat64 is double x ? $"{x:0.0e+00}" : "–";
            text.AppendLine($"| {r.Name} | {(r.Opset > 0 ? r.Opset.ToString() : "–")} | {import} | {error} | {ours} | {onnxRuntime} | {gradient} | {Cell(string.Join("; ", r.Notes))} |");
        }
        text.AppendLine();
        text.AppendLine("#### Forward time");
        text.AppendLine();
        string runs = string.Join(", ", NetworkBenchmark.SpeedBatches.Select(b => $"batch {b.Batch}: the median of {b.Measured} runs after {b.Warmup} warm-up"));
        text.AppendLine($"Forward only (ours under `torch.no_grad`), the same input for both. Each figure is the median over {Rounds} interleaved " +
                        $"round{(Rounds == 1 ? "" : "s")} (ours, ONNX Runtime, ours, …) of each round's median ({runs}). Target: ours ≤ {NetworkBenchmark.SpeedTarget:0.0#}× ONNX Runtime. " +
                        "The last columns time our forward, in the same rounds, in the layout optimisations on imported graphs run in (`ExecutionSettings.LayoutPerOperator`: " +
                        "the input channels-last, maps of 14×14 or fewer back in the default layout) and, where the import fuses LayerNormalization, GELU or MatMul + Add, " +
                        "the plain forward of the same file imported without those fusions (`OnnxImportOptions.FuseOperators = false`); the target is judged on the plain forward.");
        text.AppendLine();
        if (Speeds.Count == 0)
            text.AppendLine("No network was timed.");
        else
        {
            text.AppendLine("| network | batch | ours (ms) | ONNX Runtime (ms) | ratio | target met | rel. L2 error at this batch | ours, layout per operator (ms) | its ratio | ours without fusions (ms) | its ratio |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (SpeedResult s in Speeds)
                text.AppendLine($"| {s.Name} | {s.Batch} | {s.OursMilliseconds:F1} | {s.OnnxRuntimeMilliseconds:F1} | {s.Ratio:F2}× | {(s.TargetMet ? "yes" : "**no**")} | {s.RelativeError:0.0e+00} | {s.OursLayoutPerOperatorMilliseconds:F1} | {s.LayoutPerOperatorRatio:F2}× | {(s.OursUnfusedMilliseconds is double u ? $"{u:F1} | {u / s.OnnxRuntimeMilliseconds:F2}×" : "– | –")} |");
        }
        return text.ToString();
    }

    /// <summary>
    /// Replaces what lies between the markers in <paramref name="file"/> with <see cref="Markdown"/>; a file without
    /// the markers gets them, under a heading, at its end, and a missing file is created with the section alone.
    /// </summary>
    /// <exception cref="InvalidDataException">The file has the markers in the wrong order or more than once.</exception>
    public void WriteInto(string file)
    {
        string section = $"{StartMarker}\n{Markdown()}{EndMarker}";
        string? folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        if (!File.Exists(file))
        {
            File.WriteAllText(file, section + "\n");
            return;
        }
        string existing = File.ReadAllText(file);
        int start = existing.IndexOf(StartMarker, StringComparison.Ordinal);
        int end = existing.IndexOf(EndMarker, StringComparison.Ordinal);
        if (start < 0 && end < 0)
        {
            File.WriteAllText(file, existing.TrimEnd() + "\n\n## Full-size networks: results\n\n" + section + "\n");
            return;
        }
        if (start < 0 || end < start || existing.IndexOf(StartMarker, start + 1, StringComparison.Ordinal) >= 0 ||
            existing.IndexOf(EndMarker, end + 1, StringComparison.Ordinal) >= 0)
            throw new InvalidDataException($"'{file}' should hold '{StartMarker}' once, followed by '{EndMarker}' once; the section goes between them.");
        File.WriteAllText(file, existing[..start] + section + existing[(end + EndMarker.Length)..]);
    }

    /// <summary>A message as one table cell: one line, no column separators, at most <see cref="LongestMessage"/> characters.</summary>
    private static string Cell(string message)
    {
        string line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace("|", "\\|");
        return line.Length <= LongestMessage ? line : line[..LongestMessage] + "…";
    }
}
