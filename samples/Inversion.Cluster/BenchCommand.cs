using System.Globalization;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Orleans;

namespace Inversion.Cluster;

/// <summary>
/// <c>bench</c>: measured throughput for the cost model in docs/scale-out.md.
/// <c>--silos 1,2</c> runs the same job on single-machine clusters of 1, 2, … silo processes (one worker and one
/// torch thread each) and prints rows/s and the speed-up; <c>--repeat N</c> runs the sequence N times, alternating, so a
/// drift in the machine's speed falls on every count alike, and prints each round's speed-up and their median; <c>--layers a,b</c> runs shards in this process on one torch
/// thread at each layer and prints rows/s per core, projected to the default preset's step count at that layer. <c>--no-warm-up</c> starts the
/// silos without their warm-up, for comparison; <c>--silo-logs</c> echoes the silos' log lines (each shard's start and
/// time, the step's load time).
/// </summary>
internal static class BenchCommand
{
    private const int BasePort = 11300;
    private const int BaseGateway = 30300;

    public static async Task<int> RunAsync(Arguments args, string commandLine)
    {
        string output = Path.GetFullPath(args.Text("out") ?? Path.Combine("out", "cluster-bench"));
        var inputs = args.All("input") is { Count: > 0 } given ? given : [Path.Combine("tests", "images")];
        int rows = args.Int("rows", 16, 1);
        var silos = (args.Text("silos") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        var layers = (args.Text("layers") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        int shardSize = args.Int("shard-size", 4, 1);
        int iterations = args.Int("iterations", 20, 1);
        int repeat = args.Int("repeat", 1, 1);
        string size = args.Text("image-size") ?? "224";
        string batch = args.Text("batch-size") ?? "4";
        string silosLayer = args.Text("layer") ?? "conv1";
        string[] siloFlags = args.Flag("no-warm-up") ? ["--no-warm-up"] : [];
        bool siloLogs = args.Flag("silo-logs");
        args.RejectUnknown();
        if (silos.Count == 0 && layers.Count == 0)
            throw new UsageException("bench needs --silos 1,2 and/or --layers conv1,stage3");

        var images = JobInput.Resolve(inputs);
        var manifestRows = Enumerable.Range(0, rows).Select(i => images[i % images.Count]).ToList();
        Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {Environment.OSVersion}; command: {commandLine}");
        if (layers.Count > 0)
        {
            using var resnet = PretrainedBackbones.ResNet18();
            foreach (string layer in layers)
                MeasureLayer(output, manifestRows, layer, iterations, size, batch, DefaultPresetSteps(resnet, layer, int.Parse(size, CultureInfo.InvariantCulture)));
        }
        var speedUps = new Dictionary<(int Count, string Measure), List<double>>();
        for (int round = 1; round <= repeat; round++)
        {
            var rates = new Dictionary<int, SiloRates>();
            foreach (int count in silos)
                rates[count] = await MeasureSilosAsync(output, manifestRows, count, shardSize, siloFlags, siloLogs, ["--layer", silosLayer, "--iterations", $"{iterations}", "--image-size", size, "--batch-size", batch]);
            if (!rates.TryGetValue(1, out SiloRates? one))
                continue;
            foreach (var (count, rate) in rates.Where(r => r.Key != 1))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: speed-up of {count} silos over 1: {rate.WholeJob / one.WholeJob:F2}× over the whole job, {rate.SteadyState / one.SteadyState:F2}× in the steady state"));
                Add(speedUps, (count, "over the whole job"), rate.WholeJob / one.WholeJob);
                Add(speedUps, (count, "in the steady state"), rate.SteadyState / one.SteadyState);
            }
        }
        foreach (var ((count, measure), list) in speedUps.Where(_ => repeat > 1))
        {
            var sorted = list.Order().ToList();
            double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median speed-up of {count} silos over 1 {measure} in {repeat} rounds: {median:F2}× (rounds: {string.Join(", ", list.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))})"));
        }
        return 0;
    }

    /// <summary>Rows/s per core at one layer: two in-process shards at N and 2N steps separate the per-row fixed cost from the per-step cost.</summary>
    private static void MeasureLayer(string output, List<string> rows, string layer, int iterations, string size, string batch, int presetSteps)
    {
        TorchSharp.torch.set_num_threads(1);
        double Run(int steps)
        {
            var spec = Job(Path.Combine(output, $"layer-{layer}-{steps}"), rows, rows.Count, ["--layer", layer, "--iterations", $"{steps}", "--image-size", size, "--batch-size", batch]);
            return ShardRunner.Run(spec, 0, 0, rows.Count, CancellationToken.None).Seconds / rows.Count;
        }
        Run(1); // warm-up: first load of the network and libtorch
        double shortRun = Run(iterations), longRun = Run(2 * iterations);
        double perStep = Math.Max(0, (longRun - shortRun) / iterations);
        double fixedCost = Math.Max(0, shortRun - perStep * iterations);
        double projected = 1 / (fixedCost + presetSteps * perStep);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"layer {layer} at {size}×{size}, 1 thread: {perStep * 1000:F1} ms/step/row, {fixedCost:F2} s fixed per row; {1 / shortRun:F3} rows/s at {iterations} steps; projected {projected:F4} rows/s per core at the default preset's {presetSteps} steps ({1 / projected:F1} s per row)"));
    }

    /// <summary>The default preset's step count at a layer of the built-in ResNet18 (it differs by layer).</summary>
    private static int DefaultPresetSteps(Backbone backbone, string layer, int size)
    {
        var geometry = LayerGeometry.Of(backbone, backbone.ResolveLayer(layer), size, size);
        return InversionPreset.Default.SettingsFor(geometry, backbone.TypicalPixelNorm).Iterations;
    }

    private static void Add(Dictionary<(int, string), List<double>> lists, (int, string) key, double value) =>
        (lists.TryGetValue(key, out var list) ? list : lists[key] = []).Add(value);

    /// <summary>
    /// A job's rows/s: over the whole job (from its submission to its last row), and in the steady state: the sum
    /// over silos of the rows each finished after its first shard (which loads the step, compiles the code it runs
    /// and makes libtorch's first allocations, once per silo and job) over the time from that first shard's end to
    /// its last.
    /// </summary>
    private sealed record SiloRates(double WholeJob, double SteadyState);

    /// <summary>Each silo's done shards in the order they completed.</summary>
    private static IEnumerable<(string Silo, List<ShardState> Shards)> DoneShardsBySilo(IEnumerable<ShardState> shards) =>
        shards.Where(s => s.Status == ShardStatus.Done && s.Silo is not null && s.CompletedAt is not null)
            .GroupBy(s => s.Silo!)
            .Select(g => (g.Key, g.OrderBy(s => s.CompletedAt).ToList()));

    private static double SteadyState(IReadOnlyList<ShardState> shards)
    {
        double rate = 0;
        foreach (var (_, ordered) in DoneShardsBySilo(shards))
        {
            double seconds = (ordered[^1].CompletedAt!.Value - ordered[0].CompletedAt!.Value).TotalSeconds;
            if (ordered.Count > 1 && seconds > 0)
                rate += ordered.Skip(1).Sum(s => s.RowCount) / seconds;
        }
        return rate;
    }

    /// <summary>
    /// Where each silo's time in the job went, against the steady state: how long after the job's first lease its
    /// first shard began, that shard's time against the median of its others, and how long it sat idle at the end.
    /// </summary>
    private static IEnumerable<string> SiloTimeline(JobStatus status)
    {
        var start = status.StartedAt!.Value;
        var end = status.FinishedAt!.Value;
        foreach (var (silo, ordered) in DoneShardsBySilo(status.Shards))
        {
            var rest = ordered.Skip(1).Select(s => s.Seconds).Order().ToList();
            string others = rest.Count == 0 ? "no other shards" : string.Create(CultureInfo.InvariantCulture, $"the others: median {rest[rest.Count / 2]:F2} s");
            double began = (ordered[0].CompletedAt!.Value - start).TotalSeconds - ordered[0].Seconds;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {silo}: {ordered.Count} shards; first began {began:F1} s after the job's first lease and took {ordered[0].Seconds:F2} s ({others}); idle {(end - ordered[^1].CompletedAt!.Value).TotalSeconds:F1} s at the end");
        }
    }

    private static async Task<SiloRates> MeasureSilosAsync(string output, List<string> rows, int count, int shardSize, string[] siloFlags, bool siloLogs, string[] stepFlags)
    {
        var spec = Job(Path.Combine(output, $"silos-{count}"), rows, shardSize, stepFlags);
        var endpoint = new ClusterEndpoint(null, $"bench-{count}", BasePort, BaseGateway);
        using var children = new ChildSilos();
        var started = new List<System.Diagnostics.Process>();
        for (int i = 0; i < count; i++)
        {
            started.Add(children.Start(["silo", "--cluster-id", endpoint.ClusterId, "--name", $"bench{count}-{i}", "--workers", "1", "--threads", "1",
                "--port", $"{BasePort + i}", "--gateway-port", $"{BaseGateway + i}", "--primary-port", $"{BasePort}", .. siloFlags], echo: siloLogs));
            if (i == 0)
                await Task.Delay(TimeSpan.FromSeconds(3)); // the primary silo first
        }
        await using var connection = await ConnectWithRetryAsync(endpoint);
        var management = connection.Client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await management.GetHosts(onlyActive: true)).Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{count} silos did not join in 2 minutes");
            await Task.Delay(500);
        }
        foreach (var silo in started)
            await children.WhenReadyAsync(silo, TimeSpan.FromMinutes(2)); // warmed up, every worker polling
        var job = connection.Client.GetGrain<IInversionJobGrain>($"bench-{count}-{Guid.NewGuid():N}");
        await job.Submit(spec);
        JobStatus status;
        while ((status = await job.GetStatus()).Phase == JobPhase.Running)
            await Task.Delay(500);
        double seconds = (status.FinishedAt!.Value - status.StartedAt!.Value).TotalSeconds;
        double steady = SteadyState(status.Shards);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} silo(s), 1 worker and 1 torch thread each: {status.RowsDone} rows in {seconds:F1} s = {status.RowsPerSecond:F3} rows/s, steady state {steady:F3} rows/s ({string.Join(", ", status.Silos.Select(s => $"{s.Silo}: {s.RowsDone} rows"))})"));
        foreach (string line in SiloTimeline(status))
            Console.WriteLine(line);
        return new SiloRates(status.RowsPerSecond, steady);
    }

    private static async Task<ClusterConnection> ConnectWithRetryAsync(ClusterEndpoint endpoint)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await ClusterConnection.ConnectAsync(endpoint);
            }
            catch (UsageException) when (attempt < 20)
            {
                await Task.Delay(1000);
            }
        }
    }

    private static InversionJobSpec Job(string folder, List<string> rows, int shardSize, string[] stepFlags)
    {
        var layout = new JobOutputLayout(folder);
        layout.Create();
        return new InversionJobSpec
        {
            StepPath = StepFactory.Resolve(new Arguments(stepFlags), layout.StepPath),
            ManifestPath = JobInput.WriteManifest(rows, layout),
            RowCount = rows.Count,
            ShardSize = shardSize,
            OutputFolder = folder,
        };
    }
}
