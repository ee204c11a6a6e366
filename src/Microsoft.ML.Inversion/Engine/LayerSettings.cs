using Microsoft.ML.Inversion.Parameterizations;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Every knob of one inversion, as a preset chooses it for a layer. Units: images in network input / B, so a
/// typical pixel has colour norm 1 and the regulariser values are about 1 on natural images.
/// </summary>
public sealed record LayerSettings
{
    /// <summary>C, the weight of the normalised data term ‖Φ(x) − Φ0‖²/‖Φ0‖².</summary>
    public required double DataWeight { get; init; }

    /// <summary>λα, the weight of the α-norm prior (0 turns it off).</summary>
    public double AlphaWeight { get; init; } = 1;

    /// <summary>α, the exponent of the pixel-norm prior (6 in the papers).</summary>
    public double Alpha { get; init; } = 6;

    /// <summary>λTV, the weight of the total-variation prior (0 turns it off).</summary>
    public double TvWeight { get; init; } = 1;

    /// <summary>β, the exponent of the total variation (2 smooth, 1 edge-preserving).</summary>
    public double Beta { get; init; } = 2;

    /// <summary>
    /// Whether the total variation is the anisotropic form (|∂u y|^β + |∂v y|^β, see
    /// <see cref="Objectives.Objective.AnisotropicTotalVariation"/>) instead of the papers' isotropic one.
    /// </summary>
    public bool AnisotropicTv { get; init; }

    /// <summary>The bound on each pixel's colour norm after every step, B+/B (2 in IJCV); infinity for none.</summary>
    public double MaxPixelNorm { get; init; } = 2;

    /// <summary>The jitter amount T (random shifts of 0 … T − 1 pixels); 1 for none.</summary>
    public int JitterAmount { get; init; } = 1;

    /// <summary>Whether small random scaling and rotation are applied while jitter is on.</summary>
    public bool ScaleRotate { get; init; }

    /// <summary>How the image is parameterised.</summary>
    public Func<ParameterizationSetup, ImageParameterization> Parameterization { get; init; } = PixelImage.Factory;

    /// <summary>The parameterisation's name, for reports.</summary>
    public string ParameterizationName { get; init; } = "pixels";

    /// <summary>
    /// Whether the final images are rescaled about their mean colour to the typical contrast of natural images
    /// (RMS pixel colour norm B). For representations that cannot see contrast (HOG, SIFT normalise it away), whose
    /// optimisation lets the priors fade the image towards flat grey.
    /// </summary>
    public bool RestoreContrast { get; init; }

    /// <summary>The update rule.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.MomentumRms;

    /// <summary>Momentum (MomentumRms, MomentumSgd).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>The base learning rate, in parameter units per step.</summary>
    public required double LearningRate { get; init; }

    /// <summary>The phases of the schedule.</summary>
    public required IReadOnlyList<SchedulePhase> Schedule { get; init; }

    /// <summary>The total number of iterations.</summary>
    public int Iterations => Schedule.Sum(p => p.Iterations);

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
        $"{ParameterizationName}, {Optimizer} lr {LearningRate:G3}, C {DataWeight:G3}, λα {AlphaWeight:G3} (α {Alpha:G3}), " +
        $"λTV {TvWeight:G3} (β {Beta:G3}{(AnisotropicTv ? ", anisotropic" : "")}), jitter {JitterAmount}{(ScaleRotate ? " + scale/rotate" : "")}, " +
        $"{Iterations} it{(RestoreContrast ? ", contrast restored" : "")} ({string.Join(" + ", Schedule.Select(p => $"{p.Iterations}×{p.RateMultiplier:G2}{(p.Jitter ? "" : " no-jitter")}"))})";
}
