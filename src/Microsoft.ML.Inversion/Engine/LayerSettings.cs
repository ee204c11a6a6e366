using Microsoft.ML.Inversion.Objectives;
using Microsoft.ML.Inversion.Optimizers;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.ML.Inversion.Regularizers;
using Microsoft.ML.Inversion.Transforms;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Every knob of one optimisation, as a preset chooses it for a layer. Units: images in network input / B, so a
/// typical pixel has colour norm 1 and the regulariser values are about 1 on natural images. The parameterisation,
/// transforms and optimiser are factories that carry their names; the loop only composes what they create.
/// </summary>
public sealed record LayerSettings
{
    /// <summary>C, the weight of the task's data term (for inversion the normalised ‖Φ(x) − Φ0‖²/‖Φ0‖²).</summary>
    public required double DataWeight { get; init; }

    /// <summary>The priors added to the data term, in order; default the papers' α-norm (α = 6) and TV² at weight 1.</summary>
    public IReadOnlyList<Regularizer> Regularizers { get; init; } = [new AlphaNormPrior(1), new TotalVariationPrior(1)];

    /// <summary>The bound on each pixel's colour norm after every step, B+/B (2 in IJCV); infinity for none.</summary>
    public double MaxPixelNorm { get; init; } = 2;

    /// <summary>The jitter amount T (random shifts of 0 … T − 1 pixels); 1 for none.</summary>
    public int JitterAmount { get; init; } = 1;

    /// <summary>The random transforms applied during jittered phases.</summary>
    public TransformFactory Transforms { get; init; } = TransformFactory.Jitter;

    /// <summary>How the image is parameterised.</summary>
    public ParameterizationFactory Parameterization { get; init; } = PixelImage.Factory;

    /// <summary>
    /// Whether the final images are rescaled about their mean colour to the typical contrast of natural images
    /// (RMS pixel colour norm B). For representations that cannot see contrast (HOG, SIFT normalise it away), whose
    /// optimisation lets the priors fade the image towards flat grey.
    /// </summary>
    public bool RestoreContrast { get; init; }

    /// <summary>
    /// Where the optimisation starts when the task gives no start images: null for the parameterisation's own faint
    /// noise, else <see cref="StartImage"/>'s photograph-contrast noise and layout.
    /// </summary>
    public StartImage? Start { get; init; }

    /// <summary>
    /// Whether the optimisation runs the network in bfloat16 where that is native and supported
    /// (<see cref="Backbones.BFloat16Support.IsNative"/>, <see cref="Backbones.Backbone.SupportsComputeType"/>): ResNet18's steps take 0.6–0.7× as
    /// long on a CPU with AVX-512 BF16 (docs/benchmarks.md). The image, its gradient, the optimiser and the target Φ0 stay float32, and the
    /// result's scores are computed in float32. Elsewhere, or when <see cref="InversionOptions.Execution"/> names a
    /// <see cref="Backbones.ExecutionSettings.ComputeType"/>, the network runs as asked. Default false.
    /// </summary>
    public bool ReducedPrecision { get; init; }

    /// <summary>The update rule.</summary>
    public OptimizerFactory Optimizer { get; init; } = OptimizerFactory.MomentumRms();

    /// <summary>The base learning rate, in parameter units per step.</summary>
    public required double LearningRate { get; init; }

    /// <summary>The phases of the schedule.</summary>
    public required IReadOnlyList<SchedulePhase> Schedule { get; init; }

    /// <summary>The total number of iterations.</summary>
    public int Iterations => Schedule.Sum(p => p.Iterations);

    /// <summary>The energy around a task's data term: C·data + Σ λ·R(x) over the regularisers (zero weights left out).</summary>
    public Objective Energy(Objective dataTerm) =>
        Objective.Sum([DataWeight * dataTerm, .. Regularizers.Where(r => r.Weight > 0).Select(r => r.Weight * r.Term())]);

    /// <summary>The first regulariser of type <typeparamref name="T"/>, or null.</summary>
    public T? Regularizer<T>() where T : Regularizer => Regularizers.OfType<T>().FirstOrDefault();

    /// <summary>
    /// A copy whose regularisers of type <typeparamref name="T"/> are changed by <paramref name="change"/>; where there
    /// is none, <paramref name="change"/> of <paramref name="absent"/> is appended.
    /// </summary>
    public LayerSettings WithRegularizer<T>(Func<T, T> change, T absent) where T : Regularizer =>
        this with
        {
            Regularizers = Regularizers.Any(r => r is T)
                ? Regularizers.Select(r => r is T t ? change(t) : r).ToArray()
                : [.. Regularizers, change(absent)],
        };

    /// <summary>A copy without regularisers of type <typeparamref name="T"/>.</summary>
    public LayerSettings WithoutRegularizer<T>() where T : Regularizer =>
        this with { Regularizers = Regularizers.Where(r => r is not T).ToArray() };

    /// <summary>A copy whose schedule is stretched or shrunk to <paramref name="iterations"/> steps in all, keeping
    /// each phase's share.</summary>
    public LayerSettings WithIterations(int iterations)
    {
        if (iterations <= 0)
            throw new ArgumentOutOfRangeException(nameof(iterations), "The number of iterations must be positive.");
        int total = Iterations;
        var phases = new List<SchedulePhase>();
        int assigned = 0;
        for (int i = 0; i < Schedule.Count; i++)
        {
            int n = i == Schedule.Count - 1 ? iterations - assigned : (int)Math.Round((double)Schedule[i].Iterations * iterations / total);
            n = Math.Max(0, Math.Min(n, iterations - assigned));
            assigned += n;
            if (n > 0)
                phases.Add(Schedule[i] with { Iterations = n });
        }
        return this with { Schedule = phases };
    }

    /// <summary>A one-line summary for reports.</summary>
    public string Describe() =>
        $"{Parameterization.Name}, {Optimizer.Name} lr {LearningRate:G3}, C {DataWeight:G3}, " +
        $"{(Regularizers.Count == 0 ? "no priors" : string.Join(", ", Regularizers.Select(r => r.Describe())))}, " +
        $"{Transforms.Name} {JitterAmount}, {(Start is null ? "" : Start.Describe() + ", ")}{Iterations} it{(RestoreContrast ? ", contrast restored" : "")}{(ReducedPrecision ? ", bfloat16 where native" : "")} " +
        $"({string.Join(" + ", Schedule.Select(p => $"{p.Iterations}×{p.RateMultiplier:G2}{(p.Jitter ? "" : " no-jitter")}"))})";
}
