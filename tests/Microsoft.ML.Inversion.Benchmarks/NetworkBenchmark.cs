using System.Diagnostics;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Measurements;
using Microsoft.ML.Inversion.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>
/// Every full-size TorchVision network in a folder export_full_networks.py wrote, imported with
/// <see cref="OnnxGraphModule"/> and run beside ONNX Runtime (issue 17): agreement of the final output, a gradient
/// from a mid-graph value to the input, and for <see cref="SpeedTargets"/> the forward time at batch 1 and 8.
/// </summary>
internal static class NetworkBenchmark
{
    /// <summary>The largest relative L2 error of the final output that counts as matching ONNX Runtime.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>The largest ratio of our forward time over ONNX Runtime's that meets the target.</summary>
    public const double SpeedTarget = 1.5;

    /// <summary>The networks whose forward time is measured unless --speed-all asks for all.</summary>
    public static readonly IReadOnlyList<string> SpeedTargets = ["resnet50", "efficientnet_b0", "mobilenet_v2", "convnext_tiny", "vit_b_16"];

    /// <summary>Batch sizes of the speed comparison, with the warm-up and measured runs of each round.</summary>
    public static readonly IReadOnlyList<(int Batch, int Warmup, int Measured)> SpeedBatches = [(1, 2, 5), (8, 1, 3)];

    // Fixed seeds, so every run sees the same inputs.
    private const int CorrectnessSeed = 11, GradientWeightsSeed = 12, SpeedSeed = 13;

    /// <summary>Runs the benchmark the arguments describe, prints progress and writes the report; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        NetworkBenchmarkOptions options;
        IReadOnlyList<ExportedNetwork> networks;
        string exporter;
        IReadOnlyList<string> exportCommands;
        try
        {
            options = NetworkBenchmarkOptions.Parse(args);
            (networks, exporter, exportCommands) = NetworkManifest.Read(options.Folder);
            networks = Select(networks, options);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        var total = Stopwatch.StartNew();
        set_num_threads(OnnxRuntimeRunner.Threads);
        // The engine tunes glibc's malloc before its first optimisation; the forward passes here run under the same allocator.
        bool allocatorTuned = NativeAllocatorTuning.Apply();
        MathKernelDispatch.Enabled = !options.KeepMklVendorTest;
        MathKernelDispatch.Apply();
        string machine = MachineDescription.Describe();
        string onnxRuntime = OnnxRuntimeRunner.Version;
        Console.WriteLine($"network benchmark: {networks.Count} networks from {options.Folder}, {options.Rounds} rounds; {machine}; ONNX Runtime {onnxRuntime}");

        var results = new List<NetworkResult>();
        var speeds = new List<SpeedResult>();
        foreach (ExportedNetwork network in networks)
        {
            bool timed = options.SpeedAll || SpeedTargets.Contains(network.Name);
            var (result, networkSpeeds) = Measure(network, options, timed);
            results.Add(result);
            speeds.AddRange(networkSpeeds);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Console.WriteLine($"  {network.Name}: {Describe(result)}; RSS {CurrentRssMegabytes():F0} MB");
        }

        var report = new NetworkReport(results, speeds, machine, onnxRuntime, exporter, exportCommands, "./build.sh bench " + string.Join(" ", args),
            options.Rounds, allocatorTuned, DateTime.UtcNow, total.Elapsed);
        report.WriteInto(options.ReportFile);
        Console.WriteLine($"report: {options.ReportFile}");
        Console.WriteLine(report.CountLine);
        foreach (SpeedResult speed in speeds)
            Console.WriteLine($"speed: {speed.Name} batch {speed.Batch}: ours {speed.OursMilliseconds:F1} ms, ONNX Runtime {speed.OnnxRuntimeMilliseconds:F1} ms, " +
                              $"ratio {speed.Ratio:F2} ({(speed.TargetMet ? "met" : "not met")})");
        return 0;
    }

    private static IReadOnlyList<ExportedNetwork> Select(IReadOnlyList<ExportedNetwork> networks, NetworkBenchmarkOptions options)
    {
        if (options.Only.Count == 0)
            return networks;
        string[] unknown = options.Only.Where(n => networks.All(m => m.Name != n)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"--only names networks that are not in {Path.Combine(options.Folder, NetworkManifest.FileName)}: " +
                                        $"{string.Join(", ", unknown)}; it lists {string.Join(", ", networks.Select(n => n.Name))}.");
        return options.Only.Select(n => networks.First(m => m.Name == n)).ToArray();
    }

    /// <summary>Everything measured on one network. Nothing it does throws: a failure is a row of the report.</summary>
    private static (NetworkResult Result, IReadOnlyList<SpeedResult> Speeds) Measure(ExportedNetwork network, NetworkBenchmarkOptions options, bool timed)
    {
        Console.WriteLine($"{network.Name}:");
        if (network.Skipped is not null)
            return (new NetworkResult(network.Name, 0, $"not exported: {network.Skipped}", null, null, []), []);
        if (network.File is null)
            return (new NetworkResult(network.Name, 0, $"not exported: the exporter failed: {network.ExportError}", null, null, []), []);

        var notes = new List<string>();
        if (network.OpsetFallback is not null)
            notes.Add($"opset 14 failed: {network.OpsetFallback}");
        if (network.Note is not null)
            notes.Add(network.Note);
        string path = Path.Combine(options.Folder, network.File);
        using var scope = NewDisposeScope();
        OnnxGraphModule module;
        var watch = Stopwatch.StartNew();
        try
        {
            module = OnnxGraphModule.Load(path);
        }
        catch (Exception e)
        {
            return (new NetworkResult(network.Name, network.Opset, $"fails: {e.Message}", null, null, notes), []);
        }
        using (module)
        {
            Console.WriteLine($"  imported in {watch.Elapsed.TotalSeconds:F1} s ({module.Nodes.Count} nodes)");
            OnnxRuntimeRunner? runner = null;
            try
            {
                runner = new OnnxRuntimeRunner(path, module.InputName);
            }
            catch (OnnxRuntimeException e)
            {
                notes.Add($"ONNX Runtime cannot open the file: {e.Message}");
            }
            using (runner)
            {
                CorrectnessOutputs? outputs = runner is null ? null : Attempt(network, "comparison with ONNX Runtime", notes, () => CompareOutputs(module, runner, network));
                double? error = outputs?.Error;
                var exact = outputs is null ? null : Attempt<(double Ours, double OnnxRuntime)?>(network, "float64 reference", notes, () => AgainstFloat64(outputs, network, path));
                bool? gradientOk = Attempt<bool?>(network, "gradient", notes, () => GradientReachesInput(module, network, notes));
                var speeds = new List<SpeedResult>();
                // The same graph without operator fusions, timed beside the fused one where the import fused any.
                using OnnxGraphModule? unfused = timed && module.Fusions.Keys.Any(k => k != "BatchNormalization into Conv")
                    ? OnnxGraphModule.Load(path, new OnnxImportOptions { FuseOperators = false })
                    : null;
                if (timed && runner is not null && error is not null)
                    foreach (var (batch, warmup, measured) in SpeedBatches)
                    {
                        SpeedResult? speed = Attempt<SpeedResult>(network, $"timing at batch {batch}", notes, () => TimeForward(module, unfused, runner, network, batch, warmup, measured, options.Rounds));
                        if (speed is not null)
                        {
                            speeds.Add(speed);
                            Console.WriteLine($"  batch {batch}: ours {speed.OursMilliseconds:F1} ms, ONNX Runtime {speed.OnnxRuntimeMilliseconds:F1} ms, ratio {speed.Ratio:F2}; layout per operator {speed.OursLayoutPerOperatorMilliseconds:F1} ms, ratio {speed.LayoutPerOperatorRatio:F2}"
                                + (speed.OursUnfusedMilliseconds is double asWritten ? $"; without fusions {asWritten:F1} ms, ratio {asWritten / speed.OnnxRuntimeMilliseconds:F2}" : ""));
                        }
                    }
                return (new NetworkResult(network.Name, network.Opset, null, error, gradientOk, notes, exact?.Ours, exact?.OnnxRuntime), speeds);
            }
        }
    }

    /// <summary>Runs one measurement; a failure becomes a note and the default (null) instead of ending the run.</summary>
    private static T? Attempt<T>(ExportedNetwork network, string what, List<string> notes, Func<T?> measurement)
    {
        try
        {
            return measurement();
        }
        catch (Exception e)
        {
            notes.Add($"{what} fails: {e.Message}");
            Console.WriteLine($"  {network.Name}: {what} fails: {e.Message}");
            return default;
        }
    }

    /// <summary>The fixed random correctness input, our final output and ONNX Runtime's on it, and their relative L2 error.</summary>
    private sealed record CorrectnessOutputs(float[] Input, float[] Ours, float[] OnnxRuntime, double Error);

    private static CorrectnessOutputs CompareOutputs(OnnxGraphModule module, OnnxRuntimeRunner runner, ExportedNetwork network)
    {
        float[] data = RandomInput(network.Input, CorrectnessSeed);
        float[] reference = runner.Run(data, network.Input, network.Output);
        float[] ours = OurOutput(module, network, data, network.Input);
        return new CorrectnessOutputs(data, ours, reference, RelativeL2(ours, reference, network.Name));
    }

    /// <summary>
    /// How far our float32 output and ONNX Runtime's each are from the same graph run in float64 (our importer with
    /// float64 weights and arithmetic) on the correctness input: what float32 rounding alone costs on this network,
    /// to read the agreement between the two float32 runs against.
    /// </summary>
    private static (double Ours, double OnnxRuntime) AgainstFloat64(CorrectnessOutputs outputs, ExportedNetwork network, string path)
    {
        double[] exact;
        using (var precise = OnnxGraphModule.Load(path, new OnnxImportOptions { FloatType = ScalarType.Float64 }))
        using (no_grad())
        using (var scope = NewDisposeScope())
            exact = precise.Evaluate(tensor(outputs.Input, network.Input).to_type(ScalarType.Float64), network.Output).contiguous().data<double>().ToArray();
        float[] exactAsFloat = exact.Select(v => (float)v).ToArray();
        return (RelativeL2(outputs.Ours, exactAsFloat, network.Name), RelativeL2(outputs.OnnxRuntime, exactAsFloat, network.Name));
    }

    private static float[] OurOutput(OnnxGraphModule module, ExportedNetwork network, float[] data, long[] shape)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor output = module.Evaluate(tensor(data, shape), network.Output);
        return output.contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// Backpropagates the mid-graph value times a fixed random tensor, summed, to the input: the gradient must be
    /// finite and not all zero. Its largest magnitude goes into the notes.
    /// </summary>
    private static bool GradientReachesInput(OnnxGraphModule module, ExportedNetwork network, List<string> notes)
    {
        using var scope = NewDisposeScope();
        Tensor image = tensor(RandomInput(network.Input, CorrectnessSeed), network.Input).requires_grad_(true);
        Tensor mid = module.Evaluate(image, network.Mid!);
        Tensor weights = randn(mid.shape, mid.dtype, generator: new Generator(GradientWeightsSeed));
        (mid * weights).sum().backward();
        if (image.grad is not Tensor grad)
        {
            notes.Add($"no gradient reached the input from {network.MidModule ?? network.Mid}");
            return false;
        }
        bool finite = grad.isfinite().all().item<bool>();
        double largest = grad.abs().max().item<float>();
        notes.Add($"gradient from {network.MidModule ?? network.Mid}: max |∂/∂x| {largest:0.0e+00}{(finite ? "" : ", not finite")}");
        return finite && largest > 0;
    }

    /// <summary>
    /// Our forward (under no_grad) and ONNX Runtime's on the same input, interleaved in rounds (ours, ONNX Runtime,
    /// ours, …) so that both see the same machine; each figure is the median of the rounds' medians. Ours runs twice
    /// in each round: the plain forward, and in the layout optimisations run in; three times where an unfused import
    /// is given.
    /// </summary>
    private static SpeedResult TimeForward(OnnxGraphModule module, OnnxGraphModule? unfused, OnnxRuntimeRunner runner, ExportedNetwork network, int batch, int warmup, int measured, int rounds)
    {
        long[] shape = [batch, .. network.Input[1..]];
        float[] data = RandomInput(shape, SpeedSeed);
        using var scope = NewDisposeScope();
        using var ortInput = OrtValue.CreateTensorValueFromMemory(data, shape);
        Tensor input = tensor(data, shape);
        // The optimisation's layout, as OnnxBackbone runs it: channels-last strides on the same values.
        Tensor channelsLast = input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var perOperator = new OnnxExecutionSettings { ChannelsLastMinimumArea = ExecutionSettings.LayoutPerOperator.ChannelsLastMinimumArea };
        string[] output = [network.Output];
        var measurements = new List<Func<double>>
        {
            () => Timing.MedianSeconds(warmup, measured, () => module.forward(input)),
            () => Timing.MedianSeconds(warmup, measured, () => runner.RunDiscarding(ortInput, network.Output)),
            () => Timing.MedianSeconds(warmup, measured, () => module.Evaluate(channelsLast, output, perOperator)),
        };
        if (unfused is not null)
            measurements.Add(() => Timing.MedianSeconds(warmup, measured, () => unfused.forward(input)));
        double[] seconds;
        using (no_grad())
            seconds = Timing.Interleaved(rounds, [.. measurements]);
        double error = RelativeL2(OurOutput(module, network, data, shape), runner.Run(data, shape, network.Output), network.Name);
        return new SpeedResult(network.Name, batch, seconds[0] * 1e3, seconds[1] * 1e3, error, seconds[2] * 1e3, unfused is null ? null : seconds[3] * 1e3);
    }

    private static float[] RandomInput(long[] shape, int seed)
    {
        using var scope = NewDisposeScope();
        return randn(shape, generator: new Generator((ulong)seed)).data<float>().ToArray();
    }

    /// <summary>‖a − b‖ / ‖b‖.</summary>
    private static double RelativeL2(float[] actual, float[] expected, string network)
    {
        if (actual.Length != expected.Length)
            throw new InvalidOperationException($"{network}: our output has {actual.Length} values, ONNX Runtime's {expected.Length}.");
        double difference = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = actual[i] - (double)expected[i];
            difference += d * d;
            norm += expected[i] * (double)expected[i];
        }
        return Math.Sqrt(difference / Math.Max(norm, 1e-30));
    }

    private static string Describe(NetworkResult result) => result.Failure ??
        $"opset {result.Opset}, rel. L2 error {(result.RelativeError is double e ? e.ToString("0.00e+00") : "not measured")}" +
        $" ({(result.Matched ? "matches" : "does not match")}), gradient {(result.GradientOk switch { true => "ok", false => "not ok", null => "not measured" })}";

    private static double CurrentRssMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }
}
