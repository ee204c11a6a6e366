using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Engine.Tasks;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

/// <summary>
/// Tasks share a backbone without sharing state: execution settings (the maximiser's ReLU leak, the memory layout)
/// travel with each call, and every task checks its seed count.
/// </summary>
[TestClass]
public sealed class TaskIsolationTests
{
    private const int Size = 64, Steps = 10;

    private static Tensor Photos() => cat([
        ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), Size, Size),
        ImageTensors.LoadCentered(TestEnvironment.Photograph("coffee.png"), Size, Size)], 0);

    private static readonly Func<Tensor>[] Tasks =
    [
        () => new FeatureInverter(BuiltInNetwork.ResNet18, "stage2", new InversionOptions { Iterations = Steps }).InvertImages(Photos()).Images,
        () => new ActivationMaximizer(BuiltInNetwork.ResNet18, "stage2", new InversionOptions { Iterations = Steps }).Maximize([3, 42], Size, Size).Images,
        () => new Caricaturist(BuiltInNetwork.ResNet18, "stage2", new InversionOptions { Iterations = Steps }).Caricature(Photos()).Images,
    ];

    [TestMethod]
    public void EveryTaskOnOneBackboneFromTwoThreadsGivesTheSequentialResults()
    {
        Tensor[] sequential = Tasks.Select(run => run()).ToArray();
        // Each task runs on two threads at once, beside every other task, so a leak switched on for the maximiser
        // would reach the inversion and the caricature (before the redesign it changed them by up to 9.8 grey levels).
        var runs = Tasks.SelectMany((run, i) => new[] { (i, run), (i, run) }).ToArray();
        var concurrent = new Tensor[runs.Length];
        Parallel.For(0, runs.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, k => concurrent[k] = runs[k].run());
        for (int k = 0; k < runs.Length; k++)
        {
            // The same tolerance as batches against singles: float rounding only (0.01 grey levels on average).
            double difference = (concurrent[k] - sequential[runs[k].i]).abs().mean().item<float>();
            Assert.IsLessThan(0.01, difference, $"task {runs[k].i}, run {k}: mean difference {difference} grey levels");
        }
        foreach (var t in sequential.Concat(concurrent))
            t.Dispose();
        using (no_grad())
        {
            using var input = randn([1, 3, 32, 32], generator: new TorchSharp.torch.Generator(1)) * 100;
            using var plain = BuiltInNetwork.ResNet18.Forward(input, "conv1");
            Assert.AreEqual(0.0f, plain.min().item<float>(), "the backbone is left as it was: ReLU outputs have no negatives");
        }
    }

    [TestMethod]
    public void ReluLeakTravelsWithTheCallAndTheMaximiserAsksForIt()
    {
        using var scope = NewDisposeScope();
        var network = BuiltInNetwork.ResNet18;
        using (no_grad())
        {
            Tensor input = randn([1, 3, 32, 32], generator: new TorchSharp.torch.Generator(1)) * 100;
            Assert.IsLessThan(0f, network.Forward(input, "conv1", new ExecutionSettings { ReluLeak = 0.05 }).min().item<float>(), "a leaky call passes negatives");
            Assert.AreEqual(0f, network.Forward(input, "conv1").min().item<float>(), "the next plain call does not");
        }
        Assert.AreEqual(MaximizationTask.ReluLeakWhileOptimising, new MaximizationTask([0]).AdaptExecution(ExecutionSettings.Default, network).ReluLeak);
        Assert.AreEqual(0.0, new ReconstructionTask(zeros(1, 1), "x").AdaptExecution(ExecutionSettings.Default, network).ReluLeak);

        // The adapted execution reaches the network during the optimisation (and scoring runs on the network as trained).
        var probe = new NegativeActivationProbe();
        probe.Run(network, "conv1", new InversionOptions { Iterations = 2 }, 32, 32, null, CancellationToken.None);
        Assert.IsTrue(probe.SawNegativesWhileOptimising, "the loop ran the backbone with the task's leak");
        Assert.IsFalse(probe.SawNegativesWhenScoring, "scores are measured on the network as trained");
    }

    [TestMethod]
    public void EveryTaskChecksItsSeedCount()
    {
        using var scope = NewDisposeScope();
        var options = new InversionOptions { Iterations = 1 };
        Tensor photos = Photos();
        long[] oneSeed = [5];
        var inversion = Assert.ThrowsExactly<ArgumentException>(() => new FeatureInverter(BuiltInNetwork.ResNet18, "stage1", options).InvertImages(photos, oneSeed));
        var maximization = Assert.ThrowsExactly<ArgumentException>(() => new ActivationMaximizer(BuiltInNetwork.ResNet18, "stage1", options).Maximize([1, 2], Size, Size, oneSeed));
        var caricature = Assert.ThrowsExactly<ArgumentException>(() => new Caricaturist(BuiltInNetwork.ResNet18, "stage1", options).Caricature(photos, oneSeed));
        foreach (var e in new[] { inversion, maximization, caricature })
            StringAssert.Contains(e.Message, "Expected 2 seeds, one per image; got 1");
    }

    [TestMethod]
    public void NonFiniteOrNegativeWeightsAreRefusedBeforeOptimising()
    {
        using var scope = NewDisposeScope();
        Tensor photo = ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), Size, Size);
        foreach (double weight in new[] { double.NaN, double.PositiveInfinity, -1 })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => new FeatureInverter(BuiltInNetwork.ResNet18, "stage1",
                new InversionOptions { Iterations = 1, DataWeight = weight }).InvertImages(photo));
            StringAssert.Contains(e.Message, "data weight C must be a finite non-negative number");
        }
    }

    [TestMethod]
    public void TargetsWithoutARowPerImageAreRefusedWithTheirShape()
    {
        using var scope = NewDisposeScope();
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "pool5");
        foreach (Tensor targets in new[] { tensor(3.5f), ones(512) })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => inverter.InvertFeatures(targets, 224, 224));
            StringAssert.Contains(e.Message, "must be [N, ...], one row per image");
        }
    }

    /// <summary>A task that asks for a leak and records whether the layer's output had negatives.</summary>
    private sealed class NegativeActivationProbe : OptimizationTask
    {
        public bool SawNegativesWhileOptimising { get; private set; }

        public bool SawNegativesWhenScoring { get; private set; }

        public override int Count => 1;

        public override string ScoreName => "minimum activation";

        public override ExecutionSettings AdaptExecution(ExecutionSettings execution, Backbone backbone) => execution with { ReluLeak = 0.05 };

        public override TaskStart Start(TaskContext context) => new(new Objective(c =>
        {
            SawNegativesWhileOptimising |= c.Features.min().item<float>() < 0;
            return -c.Features.flatten(1).mean([1L]);
        }, "probe"));

        public override double[] Score(TaskContext context, TaskStart start, Tensor networkInput, Tensor features)
        {
            SawNegativesWhenScoring = features.min().item<float>() < 0;
            return [features.min().item<float>()];
        }
    }
}
