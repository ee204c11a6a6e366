using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Benchmarks;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measurements;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.ML.Inversion.Transforms;
using static TorchSharp.torch;

// Speed and memory of Inversion.ML against the machine's limits, in one run (issue 8).
//   ./build.sh bench            full run, writes docs/benchmarks.md
//   ./build.sh bench --quick    under a minute, for quick checks (writes docs/benchmarks-quick.md)
//   ... --no-allocator-tuning   leaves glibc's malloc as it is (NativeAllocatorTuning off), for comparison;
//                               writes docs/benchmarks-untuned.md
//   ... --out DIR               writes the report (and, for full runs, the history line) there instead of docs/
// Ends with three plain lines: "bound ratio: R", "libtorch ratio: R", "batch speedup: R".
//
// Full-size TorchVision networks against ONNX Runtime (issue 17; NetworkBenchmark.cs), on files exported first by
// export_full_networks.py (next to this file) into a folder git ignores:
//   ./build.sh bench --networks DIR [--only a,b,c] [--rounds N] [--speed-all] [--out FILE]
//                               imports every network in DIR/networks.json, compares it with ONNX Runtime, checks a
//                               gradient, times the forward of resnet50, efficientnet_b0, mobilenet_v2, convnext_tiny and
//                               vit_b_16 (every network with --speed-all) and writes the results into docs/backbones.md
//                               between its full-size-networks markers (into FILE with --out).
//
// libtorch's CPU convolutions against ours and float64 (ConvolutionScan.cs; about a minute):
//   ./build.sh bench --convolution-scan [--out FILE]   writes docs/convolution-scan.md
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (ConvolutionScan.IsRequested(args))
    return ConvolutionScan.Run(args);
if (NetworkBenchmarkOptions.IsRequested(args))
    return NetworkBenchmark.Run(args);
bool quick = args.Contains("--quick");
string outFolder = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "docs";
string imagesFolder = args.SkipWhile(a => a != "--images-dir").Skip(1).FirstOrDefault() ?? Path.Combine("tests", "images");
// This VM's speed varies between runs, so measurements that are compared are interleaved in rounds and each
// figure is the median of the rounds' medians.
int measuredSteps = quick ? 4 : 8, warmupSteps = quick ? 1 : 2, rounds = quick ? 2 : 5;
string[] layers = quick ? ["stage2", "pool5"] : [.. PretrainedBackbones.ResNet18Layers];
int[] batchSizes = quick ? [1, 8] : [1, 2, 4, 8];
var total = Stopwatch.StartNew();
string machine = MachineDescription.Describe();
Console.WriteLine($"benchmark ({(quick ? "quick" : "full")}): {machine}");
// The engine tunes glibc's malloc when its first optimisation starts; tune it before anything is timed so the
// bare forward+backward and the GEMM run under the same allocator as our steps.
// --no-allocator-tuning measures the untuned allocator, for comparison.
NativeAllocatorTuning.Enabled = !args.Contains("--no-allocator-tuning");
bool allocatorTuned = NativeAllocatorTuning.Apply();
Console.WriteLine($"allocator tuning: {(allocatorTuned ? "applied" : "not applied")}");

using var backbone = PretrainedBackbones.ResNet18();
var photos = new[] { "astronaut", "chelsea", "coffee" }.Select(n => ImageTensors.LoadCentered(Path.Combine(imagesFolder, n + ".png"), 224, 224).DetachFromDisposeScope()).ToArray();
var report = new StringBuilder();

// 1. The machine's GEMM rate and each layer's FLOP bound. The rate is the best of measurements spread over the
// step timings below (the first, at start-up, can be low), so the bound is the tightest this machine showed.
double gflops = Timing.GemmGflops(quick ? 5 : 20);
var flops = FlopCount.ForwardFlops(backbone, 224, 224);

// Every section but the bfloat16 one times float32 steps, so that its figures stay comparable with earlier runs; the
// default preset's bfloat16 (LayerSettings.ReducedPrecision) has a section of its own.
ExecutionSettings float32 = backbone.OptimizationExecution with { ComputeType = ScalarType.Float32 };

// 2. Our step against the bound and against a bare forward+backward of the same truncated network.
var stepTimes = new List<(string Layer, double Flops, double Bare, double Ours, double Papers)>();
foreach (string layer in layers)
{
    string canonical = backbone.ResolveLayer(layer);
    double stepFlops = 2 * flops.Needed(backbone, canonical);   // forward + gradient with respect to the input
    gflops = Math.Max(gflops, Timing.GemmGflops(quick ? 3 : 5));
    double[] times = Timing.Interleaved(rounds,
        () => Timing.BareForwardBackward(backbone, canonical, warmupSteps, measuredSteps),
        () => Timing.OurStep(backbone, layer, photos[1], 1, warmupSteps, measuredSteps, execution: float32),
        () => Timing.OurStep(backbone, layer, photos[1], 1, warmupSteps, measuredSteps, InversionPreset.Ijcv2016));
    stepTimes.Add((layer, stepFlops, times[0], times[1], times[2]));
}
Console.WriteLine($"SGEMM 1024²: {gflops:F1} GFLOP/s (best of the measurements during the step timings)");
var stepRows = stepTimes.Select(m => (m.Layer, m.Flops, Bound: m.Flops / (gflops * 1e9), m.Bare, m.Ours, m.Papers)).ToList();
foreach (var r in stepRows)
    Console.WriteLine($"{r.Layer,-7} {r.Flops / 1e9,6:F2} GFLOP  bound {r.Bound * 1e3,7:F1} ms  bare {r.Bare * 1e3,7:F1} ms  ours {r.Ours * 1e3,7:F1} ms  ijcv {r.Papers * 1e3,7:F1} ms  ours/bound {r.Ours / r.Bound:F2}  ours/bare {r.Ours / r.Bare:F2}");

// 2b. The step with BatchNormalization folded into the convolutions (the import's default) against the graph as
// written (what every earlier run measured), side by side: the forward-pass speed-up in the whole step.
var foldRows = new List<(string Layer, double Folded, double Unfolded, double PerOperator)>();
using (var unfoldedBackbone = PretrainedBackbones.ResNet18(foldBatchNormalization: false))
{
    foreach (string layer in layers)
    {
        double[] foldTimes = Timing.Interleaved(rounds,
            () => Timing.OurStep(backbone, layer, photos[1], 1, warmupSteps, measuredSteps, execution: ExecutionSettings.Default with { ComputeType = ScalarType.Float32 }),
            () => Timing.OurStep(unfoldedBackbone, layer, photos[1], 1, warmupSteps, measuredSteps, execution: ExecutionSettings.Default with { ComputeType = ScalarType.Float32 }),
            () => Timing.OurStep(backbone, layer, photos[1], 1, warmupSteps, measuredSteps, execution: float32));
        foldRows.Add((layer, foldTimes[0], foldTimes[1], foldTimes[2]));
        Console.WriteLine($"{layer,-7} step folded {foldTimes[0] * 1e3,7:F1} ms  as written {foldTimes[1] * 1e3,7:F1} ms  ({foldTimes[0] / foldTimes[1]:F2}×)  folded + layout per operator {foldTimes[2] * 1e3,7:F1} ms ({foldTimes[2] / foldTimes[1]:F2}×)");
    }
}

// 2c. Our ijcv2016 step against the same step written in plain PyTorch (pytorch_step.py), a round of each in turn.
var pytorch = PyTorchStep.Measure(layers, rounds, warmupSteps, measuredSteps,
    layer => Timing.OurStep(backbone, layer, photos[1], 1, warmupSteps, measuredSteps, InversionPreset.Ijcv2016));
Console.WriteLine(pytorch.Available ? $"PyTorch {pytorch.Version}: " + string.Join(", ", pytorch.Rows.Select(r => $"{r.Layer} ours {r.Ours * 1e3:F1} ms vs {r.PyTorch * 1e3:F1} ms")) : pytorch.Reason);

// The default step at stage2 with its parts removed one at a time, down to the bare loop: what each costs in place.
const string partsLayer = "stage2";
var withoutParts = new (string Name, Func<LayerSettings, LayerSettings>? Change)[]
{
    ("default preset", null),
    ("without scale/rotate", s => s with { Transforms = TransformFactory.Jitter }),
    ("pixels instead of the Fourier image", s => s with { Parameterization = PixelImage.Factory }),
    ("without the α-norm and TV", s => s with { Regularizers = [] }),
    ("bare loop: pixels, no jitter, no transforms, no priors", s => s with
        { Parameterization = PixelImage.Factory, Transforms = TransformFactory.Jitter, JitterAmount = 1, Regularizers = [] }),
};
string partsCanonical = backbone.ResolveLayer(partsLayer);
double[] partsTimes = Timing.Interleaved(rounds, withoutParts
    .Select(v => (Func<double>)(() => Timing.OurStep(backbone, partsLayer, photos[1], 1, warmupSteps, measuredSteps, customize: v.Change, execution: float32)))
    .Prepend(() => Timing.BareForwardBackward(backbone, partsCanonical, warmupSteps, measuredSteps)).ToArray());
double partsBare = partsTimes[0];
double[] withoutTimes = partsTimes[1..];
for (int k = 0; k < withoutParts.Length; k++)
    Console.WriteLine($"{partsLayer} {withoutParts[k].Name}: {withoutTimes[k] * 1e3:F1} ms ({withoutTimes[k] / partsBare:F2}× bare {partsBare * 1e3:F1} ms)");

// The opt-in channels-last layout (ExecutionSettings.ChannelsLast): bare forward+backward with and without.
var layoutRows = new List<(string Layer, double Standard, double ChannelsLast)>();
foreach (string layer in layers)
{
    string canonical = backbone.ResolveLayer(layer);
    double[] layoutTimes = Timing.Interleaved(rounds,
        () => Timing.BareForwardBackward(backbone, canonical, warmupSteps, measuredSteps),
        () => Timing.BareForwardBackward(backbone, canonical, warmupSteps, measuredSteps, execution: new ExecutionSettings { ChannelsLast = true }));
    var (standard, channelsLast) = (layoutTimes[0], layoutTimes[1]);
    layoutRows.Add((layer, standard, channelsLast));
    Console.WriteLine($"{layer,-7} bare {standard * 1e3,7:F1} ms  channels-last {channelsLast * 1e3,7:F1} ms  ({channelsLast / standard:F2}×)");
}

// 2d. bfloat16 (the default preset's ReducedPrecision, pool1–stage4, where the CPU has it natively): the bare
// forward+backward and our default step in float32 and in bfloat16, side by side.
bool nativeBFloat16 = BFloat16Support.IsNative(backbone.Device);
ExecutionSettings bfloat16 = backbone.OptimizationExecution with { ComputeType = ScalarType.BFloat16 };
var precisionRows = new List<(string Layer, double BareFull, double BareReduced, double OursFull, double OursReduced)>();
foreach (string layer in layers)
{
    string canonical = backbone.ResolveLayer(layer);
    double[] precisionTimes = Timing.Interleaved(rounds,
        () => Timing.BareForwardBackward(backbone, canonical, warmupSteps, measuredSteps, execution: float32),
        () => Timing.BareForwardBackward(backbone, canonical, warmupSteps, measuredSteps, execution: bfloat16),
        () => Timing.OurStep(backbone, layer, photos[1], 1, warmupSteps, measuredSteps, execution: float32),
        () => Timing.OurStep(backbone, layer, photos[1], 1, warmupSteps, measuredSteps, execution: bfloat16));
    precisionRows.Add((layer, precisionTimes[0], precisionTimes[1], precisionTimes[2], precisionTimes[3]));
    Console.WriteLine($"{layer,-7} bare float32 {precisionTimes[0] * 1e3,7:F1} ms  bfloat16 {precisionTimes[1] * 1e3,7:F1} ms  ours float32 {precisionTimes[2] * 1e3,7:F1} ms  bfloat16 {precisionTimes[3] * 1e3,7:F1} ms ({precisionTimes[3] / precisionTimes[2]:F2}×)");
}

// 3. Batch throughput at a mid layer.
const string batchLayer = "stage2";
var throughput = new List<(int Batch, double ImagesPerSecond, double BareImagesPerSecond)>();
var batchImages = batchSizes.Select(b => cat(Enumerable.Range(0, b).Select(i => photos[i % photos.Length]).ToArray(), 0).DetachFromDisposeScope()).ToArray();
// The bare forward+backward at each batch size is libtorch's own batching gain on this machine: the ceiling for ours.
string batchCanonical = backbone.ResolveLayer(batchLayer);
double[] batchTimes = Timing.Interleaved(rounds, Enumerable.Range(0, batchSizes.Length).SelectMany(k => new Func<double>[]
{
    () => Timing.OurStep(backbone, batchLayer, batchImages[k], batchSizes[k], warmupSteps, measuredSteps, execution: float32),
    () => Timing.BareForwardBackward(backbone, batchCanonical, warmupSteps, measuredSteps, batchSizes[k]),
}).ToArray());
for (int k = 0; k < batchSizes.Length; k++)
{
    double step = batchTimes[2 * k], bareStep = batchTimes[2 * k + 1];
    throughput.Add((batchSizes[k], batchSizes[k] / step, batchSizes[k] / bareStep));
    Console.WriteLine($"batch {batchSizes[k]}: {batchSizes[k] / step:F2} images·steps/s at {batchLayer} (bare forward+backward {batchSizes[k] / bareStep:F2})");
}

// Where a step's time goes besides the network (batch 1 and 8).
var parts1 = StepParts.Measure(1, quick ? 5 : 20);
var parts8 = StepParts.Measure(8, quick ? 3 : 10);
foreach (var (part, ms) in parts1)
    Console.WriteLine($"step part: {part}: {ms:F2} ms at batch 1, {parts8.First(p => p.Part == part).Milliseconds / 8:F2} ms per image at batch 8");

// 4. Memory over 100 rows through the ML.NET transform at a cheap setting.
var memory = Timing.StreamMemory(quick ? 40 : 100);
Console.WriteLine($"memory: peak RSS {memory.PeakRss / 1048576.0:F0} MB, growth row 20→{memory.Rows} {memory.RssGrowth / 1048576.0:F1} MB RSS, {memory.ManagedGrowth / 1048576.0:F2} MB managed");

// 5. Laziness: time to the first output row through the transform versus one inversion alone.
var firstRow = Timing.FirstRow(backbone, photos[0], quick ? 20 : 60);
Console.WriteLine($"first row: transform {firstRow.Transform:F2} s, inversion alone {firstRow.Alone:F2} s");

// Both step-time targets are for the stage2–pool5 layers, where the network dominates the step.
var deep = stepRows.Where(r => r.Layer is "stage2" or "stage3" or "stage4" or "pool5").ToArray();
double boundRatio = deep.Max(r => r.Ours / r.Bound);
double libtorchRatio = deep.Max(r => r.Ours / r.Bare);
double batchSpeedup = throughput.Last().ImagesPerSecond / throughput.First().ImagesPerSecond;
double foldSpeedup = 1 - foldRows.Sum(r => r.Folded) / foldRows.Sum(r => r.Unfolded);
double stepSpeedup = 1 - foldRows.Sum(r => r.PerOperator) / foldRows.Sum(r => r.Unfolded);
var slowestStep = foldRows.MaxBy(r => r.PerOperator / r.Unfolded);
double worstBatchStep = throughput.Zip(throughput.Skip(1), (a, b) => b.ImagesPerSecond / a.ImagesPerSecond).Min();
double bareBatchSpeedup = throughput.Last().BareImagesPerSecond / throughput.First().BareImagesPerSecond;

string command = "./build.sh bench" + (quick ? " --quick" : "") + (NativeAllocatorTuning.Enabled ? "" : " --no-allocator-tuning");
report.AppendLine(quick ? "# Benchmarks (quick run)" : "# Benchmarks");
report.AppendLine();
report.AppendLine($"Generated by `{command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC in {total.Elapsed.TotalSeconds:F0} s.  ");
report.AppendLine($"Machine: {machine}.  ");
report.AppendLine($"Native allocator tuning (`NativeAllocatorTuning`, applied before anything is timed): {(allocatorTuned ? "applied" : "not applied")}.  ");
report.AppendLine("Backbone: built-in ResNet18 at 224×224, default preset, one image unless stated. Each time is the median over " +
                  $"{rounds} interleaved rounds of the median of {measuredSteps} steps after {warmupSteps} warm-up steps, so compared figures are taken side by side: " +
                  "this VM's speed varies between runs (see benchmark-history.md and the notes below).");
report.AppendLine();
report.AppendLine("## Targets");
report.AppendLine();
report.AppendLine("| target | measured | met |");
report.AppendLine("|---|---|---|");
report.AppendLine($"| step time ≤ 2.0× the GEMM-rate bound (stage2–pool5, worst) | {boundRatio:F2}× | {(boundRatio <= 2.0 ? "yes" : "**no**")} |");
report.AppendLine($"| step ≥ 10% faster than before 2026-12-02 (graph as written, default layout; total of {foldRows.Count} layers) | {stepSpeedup * 100:F1}% faster (folding alone: {foldSpeedup * 100:F1}%; slowest layer: {slowestStep.Layer}, {slowestStep.PerOperator / slowestStep.Unfolded:F2}×) | {(stepSpeedup >= 0.10 ? "yes" : "**no**")} |");
report.AppendLine($"| batching never lowers images/s ({string.Join(" → ", throughput.Select(t => t.Batch))} at {batchLayer}) | smallest step {worstBatchStep:F2}× | {(worstBatchStep >= 1.0 ? "yes" : "**no**")} |");
report.AppendLine($"| steady memory growth < 50 MB over {memory.Rows} rows | {memory.RssGrowth / 1048576.0:F1} MB RSS, {memory.ManagedGrowth / 1048576.0:F2} MB managed | {(memory.RssGrowth < 50 * 1048576.0 ? "yes" : "**no**")} |");
report.AppendLine();
report.AppendLine($"## Step time per layer (SGEMM 1024²: {gflops:F1} GFLOP/s)");
report.AppendLine();
report.AppendLine("The bound is the step's FLOP count (convolutions and matrix products of the truncated network, forward plus the " +
                  "gradient with respect to the input; weights are frozen so no weight gradients) divided by the GEMM rate. " +
                  "\"Bare\" is TorchSharp running the same truncated network forward and backward with nothing else; \"ours\" is a whole " +
                  "optimisation step of the default preset (parameterisation, jitter and transforms, forward, regularisers, backward, update); " +
                  "\"IJCV\" is a step of the ijcv2016 preset (pixels, jitter crop, same regularisers and bookkeeping, no Fourier image and no " +
                  "scale/rotate resampling), which isolates what our C# bookkeeping costs from what the default's parameterisation and transforms cost.");
report.AppendLine();
report.AppendLine("| layer | GFLOP/step | bound (ms) | bare fwd+bwd (ms) | ours (ms) | IJCV step (ms) | ours/bound | ours/bare | IJCV/bare |");
report.AppendLine("|---|---|---|---|---|---|---|---|---|");
foreach (var r in stepRows)
    report.AppendLine($"| {r.Layer} | {r.Flops / 1e9:F2} | {r.Bound * 1e3:F1} | {r.Bare * 1e3:F1} | {r.Ours * 1e3:F1} | {r.Papers * 1e3:F1} | {r.Ours / r.Bound:F2} | {r.Ours / r.Bare:F2} | {r.Papers / r.Bare:F2} |");
report.AppendLine();
report.AppendLine("## BatchNormalization folded at import");
report.AppendLine();
report.AppendLine("The import folds each BatchNormalization into the convolution before it (`OnnxImportOptions.FoldBatchNormalization`, default on; the same function of the input, see docs/backbones.md). A whole default-preset step, folded against the graph as written, side by side:");
report.AppendLine();
report.AppendLine("The last column is the step as it runs by default now: folded, and in `ExecutionSettings.LayoutPerOperator` (maps larger than 14×14 channels-last, smaller ones in the default layout; `OnnxBackbone.OptimizationExecution`). The first two run in the default layout; \"as written\" is the step before 2026-12-02.");
report.AppendLine();
report.AppendLine("| layer | folded (ms) | as written (ms) | ratio | now: folded + layout per operator (ms) | ratio to as written |");
report.AppendLine("|---|---|---|---|---|---|");
foreach (var r in foldRows)
    report.AppendLine($"| {r.Layer} | {r.Folded * 1e3:F1} | {r.Unfolded * 1e3:F1} | {r.Folded / r.Unfolded:F2}× | {r.PerOperator * 1e3:F1} | {r.PerOperator / r.Unfolded:F2}× |");
report.AppendLine($"| **total** | {foldRows.Sum(r => r.Folded) * 1e3:F1} | {foldRows.Sum(r => r.Unfolded) * 1e3:F1} | {1 - foldSpeedup:F2}× | {foldRows.Sum(r => r.PerOperator) * 1e3:F1} | {foldRows.Sum(r => r.PerOperator) / foldRows.Sum(r => r.Unfolded):F2}× |");
report.AppendLine();
report.AppendLine("## Our step against the same step in PyTorch");
report.AppendLine();
if (pytorch.Available)
{
    report.AppendLine($"`pytorch_step.py` (in the benchmark project) writes the ijcv2016 step by hand in eager PyTorch {pytorch.Version} (Debian's python3-torch; TorchVision's ResNet18, BatchNormalization as written, {PyTorchStep.Threads} threads), run as a separate process once a round, alternating with our ijcv2016 step:");
    report.AppendLine();
    report.AppendLine("| layer | ours (ms) | PyTorch (ms) | ours/PyTorch |");
    report.AppendLine("|---|---|---|---|");
    foreach (var r in pytorch.Rows)
        report.AppendLine($"| {r.Layer} | {r.Ours * 1e3:F1} | {r.PyTorch * 1e3:F1} | {r.Ours / r.PyTorch:F2} |");
}
else
    report.AppendLine($"Skipped: {pytorch.Reason}");
report.AppendLine();
report.AppendLine("## Channels-last layout (opt-in)");
report.AppendLine();
report.AppendLine("`ExecutionSettings { ChannelsLast = true }` (per call, e.g. `InversionOptions.Execution`) lays the input out channels-last so oneDNN keeps NHWC through the network (off by default). Bare forward+backward, batch 1:");
report.AppendLine();
report.AppendLine("| layer | default layout (ms) | channels-last (ms) | ratio |");
report.AppendLine("|---|---|---|---|");
foreach (var r in layoutRows)
    report.AppendLine($"| {r.Layer} | {r.Standard * 1e3:F1} | {r.ChannelsLast * 1e3:F1} | {r.ChannelsLast / r.Standard:F2}× |");
report.AppendLine();
report.AppendLine("## bfloat16 steps (the default preset from pool1 on)");
report.AppendLine();
report.AppendLine("The default preset runs the network in bfloat16 from pool1 on (conv1 excepted) where the CPU has it natively (`LayerSettings.ReducedPrecision`, " +
                  $"`BFloat16Support.IsNative`: {(nativeBFloat16 ? "yes on this machine" : "not on this machine, so its steps run in float32 and only the forced figures below use bfloat16")}); " +
                  "the image, the optimiser and the scores stay float32. Each row forces the type (`ExecutionSettings.ComputeType`), side by side; the sections above time float32 steps.");
report.AppendLine();
report.AppendLine("| layer | bare float32 (ms) | bare bfloat16 (ms) | ratio | our step, float32 (ms) | our step, bfloat16 (ms) | ratio |");
report.AppendLine("|---|---|---|---|---|---|---|");
foreach (var r in precisionRows)
    report.AppendLine($"| {r.Layer} | {r.BareFull * 1e3:F1} | {r.BareReduced * 1e3:F1} | {r.BareReduced / r.BareFull:F2}× | {r.OursFull * 1e3:F1} | {r.OursReduced * 1e3:F1} | {r.OursReduced / r.OursFull:F2}× |");
report.AppendLine();
report.AppendLine($"## Batch throughput at {batchLayer}");
report.AppendLine();
report.AppendLine("| batch | images·steps/s | vs batch 1 | bare fwd+bwd images/s | bare vs batch 1 |");
report.AppendLine("|---|---|---|---|---|");
foreach (var t in throughput)
    report.AppendLine($"| {t.Batch} | {t.ImagesPerSecond:F2} | {t.ImagesPerSecond / throughput[0].ImagesPerSecond:F2}× | {t.BareImagesPerSecond:F2} | {t.BareImagesPerSecond / throughput[0].BareImagesPerSecond:F2}× |");
report.AppendLine();
report.AppendLine($"The transform's default batch size is {RowStepOptions.Defaults.BatchSize}.");
report.AppendLine();
report.AppendLine("## Where a default-preset step's time goes besides the network");
report.AppendLine();
report.AppendLine("Each piece of per-step work timed alone, forward and backward, on a 224×224 image with the jitter margin (stage2–pool5 settings), median:");
report.AppendLine();
report.AppendLine("| part | ms at batch 1 | ms per image at batch 8 |");
report.AppendLine("|---|---|---|");
foreach (var (part, ms) in parts1)
    report.AppendLine($"| {part} | {ms:F2} | {parts8.First(p => p.Part == part).Milliseconds / 8:F2} |");
report.AppendLine($"| **sum** | {parts1.Sum(p => p.Milliseconds):F2} | {parts8.Sum(p => p.Milliseconds) / 8:F2} |");
report.AppendLine();
report.AppendLine($"The same at {partsLayer}, measured inside whole steps: the default step with one part removed at a time, and with all of them removed " +
                  $"(bare forward+backward: {partsBare * 1e3:F1} ms):");
report.AppendLine();
report.AppendLine("| step | ms | vs bare |");
report.AppendLine("|---|---|---|");
for (int k = 0; k < withoutParts.Length; k++)
    report.AppendLine($"| {withoutParts[k].Name} | {withoutTimes[k] * 1e3:F1} | {withoutTimes[k] / partsBare:F2}× |");
report.AppendLine();
report.AppendLine("## Memory and laziness");
report.AppendLine();
report.AppendLine($"- {memory.Rows} rows through the ML.NET transform (conv1, 1 step, 64×64): peak RSS {memory.PeakRss / 1048576.0:F0} MB; from row 20 to row {memory.Rows} " +
                  $"RSS changed by {memory.RssGrowth / 1048576.0:F1} MB and managed memory by {memory.ManagedGrowth / 1048576.0:F2} MB.");
report.AppendLine($"- Time to the first output row through the transform (batch size 1, stage2, {(quick ? 20 : 60)} steps): {firstRow.Transform:F2} s; " +
                  $"the same inversion alone: {firstRow.Alone:F2} s (ratio {firstRow.Transform / firstRow.Alone:F2}).");
string notes = Path.Combine(AppContext.BaseDirectory, "benchmark-notes.md");
if (File.Exists(notes))
{
    report.AppendLine();
    report.AppendLine(File.ReadAllText(notes).TrimEnd());
}
Directory.CreateDirectory(outFolder);
string reportName = (quick ? "benchmarks-quick" : "benchmarks") + (NativeAllocatorTuning.Enabled ? "" : "-untuned") + ".md";
File.WriteAllText(Path.Combine(outFolder, reportName), report.ToString());

double ijcvRatio = deep.Max(r => r.Papers / r.Bare);
if (!quick)
{
    // One line per full run: the figures drift with this machine's load, so the history shows their spread.
    string history = Path.Combine(outFolder, "benchmark-history.md");
    if (!File.Exists(history))
        File.WriteAllText(history, "# Benchmark history\n\nOne line per `./build.sh bench` run (worst over stage2–pool5 for the step ratios).\n\n" +
            "| date (UTC) | machine | SGEMM GFLOP/s | ours/bound | ours/bare | IJCV/bare | batch 8 vs 1 | batch 4 vs 1 | bare batch 8 vs 1 | allocator tuned |\n|---|---|---|---|---|---|---|---|---|---|\n");
    double batch4 = throughput.FirstOrDefault(t => t.Batch == 4).ImagesPerSecond / throughput[0].ImagesPerSecond;
    File.AppendAllText(history, $"| {DateTime.UtcNow:yyyy-MM-dd HH:mm} | {machine.Split(',')[0]}, {Environment.ProcessorCount} cores | {gflops:F0} | {boundRatio:F2} | {libtorchRatio:F2} | {ijcvRatio:F2} | {batchSpeedup:F2} | {batch4:F2} | {bareBatchSpeedup:F2} | {(allocatorTuned ? "yes" : "no")} |\n");
}
Console.WriteLine($"bound ratio: {boundRatio:F2}");
Console.WriteLine($"libtorch ratio: {libtorchRatio:F2}");
Console.WriteLine($"bare batch speedup: {bareBatchSpeedup:F2}");
Console.WriteLine($"batch speedup: {batchSpeedup:F2}");
return 0;
