using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using Microsoft.ML.Inversion.Optimizers;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.ML.Inversion.Transforms;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>What one run of the optimisation loop produced.</summary>
/// <param name="NetworkInput">The final images as network input [N, 3, H, W] (centre crop of the canvas), detached.</param>
/// <param name="Steps">The number of steps taken.</param>
/// <param name="LossCurves">Each image's energy at every step, when recorded.</param>
internal sealed record OptimizationOutcome(Tensor NetworkInput, int Steps, double[][]? LossCurves)
{
    /// <summary>The final images as RGB 0–255 on the CPU, outside any dispose scope (the result owns them).</summary>
    public Tensor RgbImages(Backbone backbone)
    {
        using var noGrad = no_grad();
        return backbone.Preprocessing.FromNetworkInput(NetworkInput).clamp(0, 255).cpu().detach().DetachFromDisposeScope();
    }

    /// <summary>
    /// The returned images' own network input: scores are measured on it, so they describe the images the caller
    /// gets (clamped to 0–255), not the optimiser's unclamped ones.
    /// </summary>
    public static Tensor InputOf(Backbone backbone, Tensor rgbImages) => backbone.Preprocessing.ToNetworkInput(rgbImages.to(backbone.Device));
}

/// <summary>
/// The loop every task shares (inversion, activation maximisation, caricature): it wires a parameterisation, the
/// random transforms, an objective and an optimiser together, following the schedule of <see cref="LayerSettings"/>.
/// Each step runs in its own dispose scope.
/// </summary>
internal static class OptimizationLoop
{
    /// <summary>Runs the schedule and returns the final images.</summary>
    /// <param name="backbone">The network.</param>
    /// <param name="layer">The canonical layer name.</param>
    /// <param name="settings">The knobs.</param>
    /// <param name="objective">The energy (one value per image).</param>
    /// <param name="target">Φ0 [N, ...] when the objective uses one.</param>
    /// <param name="seeds">One seed per image.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="startImages">Optional start images as network input [N, 3, H, W]; default noise.</param>
    /// <param name="options">Progress and loss-curve recording.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    public static OptimizationOutcome Run(Backbone backbone, string layer, LayerSettings settings, Objective objective, Tensor? target,
        IReadOnlyList<long> seeds, int height, int width, Tensor? startImages, InversionOptions options, CancellationToken cancellationToken)
    {
        NativeAllocatorTuning.Apply();
        Tensor? targetNorm = target?.flatten(1).square().sum([1L]);
        var generators = seeds.Select(s => new Generator((ulong)s)).ToArray();
        try
        {
            return RunWith(backbone, layer, settings, objective, target, targetNorm, generators, height, width, startImages, options, cancellationToken);
        }
        finally
        {
            foreach (var generator in generators)
                generator.Dispose();
        }
    }

    private static OptimizationOutcome RunWith(Backbone backbone, string layer, LayerSettings settings, Objective objective, Tensor? target,
        Tensor? targetNorm, Generator[] generators, int height, int width, Tensor? startImages, InversionOptions options, CancellationToken cancellationToken)
    {
        int count = generators.Length;
        double b = backbone.TypicalPixelNorm;
        int jitter = settings.JitterAmount;
        long margin = jitter - 1;
        Tensor? initialCanvas = null;
        if (startImages is not null)
        {
            // The canvas is larger than the image by the jitter margin; reflect the start image into it.
            Tensor scaled = startImages.to(float32, backbone.Device) / b;
            initialCanvas = margin == 0 ? scaled : F.pad(scaled, [margin / 2, margin - margin / 2, margin / 2, margin - margin / 2], PaddingModes.Reflect);
        }
        var setup = new ParameterizationSetup(height + margin, width + margin, generators, backbone.Device, backbone.Preprocessing.ChannelOrder, initialCanvas);
        using ImageParameterization parameterization = settings.Parameterization(setup);
        var randomCrop = new JitterCrop(height, width, jitter, random: true);
        var centreCrop = new JitterCrop(height, width, jitter, random: false);
        // With scale/rotate on, the jittered view is one resampling of the canvas (no crop copies).
        ImageTransform jittered = settings.ScaleRotate ? new JitterScaleRotate(height, width, jitter) : randomCrop;
        using InversionOptimizer optimizer = settings.Optimizer switch
        {
            OptimizerKind.MomentumRms => new MomentumRms(settings.Momentum),
            OptimizerKind.MomentumSgd => new MomentumSgd(settings.Momentum),
            OptimizerKind.Adam => new Adam(),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), $"Unknown optimiser {settings.Optimizer}."),
        };

        double[][]? curves = options.RecordLossCurve ? Enumerable.Range(0, count).Select(_ => new double[settings.Iterations]).ToArray() : null;
        int step = 0;
        double previousRate = double.NaN;
        foreach (SchedulePhase phase in settings.Schedule)
        {
            double rate = settings.LearningRate * phase.RateMultiplier;
            if (!double.IsNaN(previousRate) && rate != previousRate)
                optimizer.ResetMomentum();
            previousRate = rate;
            for (int i = 0; i < phase.Iterations; i++, step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var stepScope = NewDisposeScope();
                Tensor canvas = parameterization.Render();
                Tensor view = (phase.Jitter ? jittered : centreCrop).Apply(canvas, generators);
                Tensor networkInput = view * b;
                var context = new ObjectiveContext(canvas, () => backbone.Forward(networkInput, layer), target, targetNorm);
                Tensor energy = objective.Evaluate(context);
                energy.sum().backward();
                optimizer.Step(parameterization.Parameters, rate);
                parameterization.Project(settings.MaxPixelNorm);
                Report(options, energy, curves, step, settings.Iterations, count);
            }
        }

        using (no_grad())
        {
            Tensor final = centreCrop.Apply(parameterization.Render(), generators);
            if (settings.RestoreContrast)
                final = WithNaturalContrast(final);
            return new OptimizationOutcome((final * b).detach(), step, curves);
        }
    }

    /// <summary>Rescales each image [N, 3, H, W] (units of B) about its mean colour to an RMS pixel colour norm of 1.</summary>
    private static Tensor WithNaturalContrast(Tensor images)
    {
        Tensor mean = images.mean([2L, 3L], keepdim: true);
        Tensor centred = images - mean;
        Tensor rms = centred.square().sum([1L]).mean([1L, 2L]).sqrt().reshape(-1, 1, 1, 1);
        return mean + centred / (rms + 1e-12);
    }

    /// <summary>The preset's energy for a settings object: C·data + λα·α-norm + λTV·TV (zero weights left out).</summary>
    public static Objective Regularised(Objective data, LayerSettings settings)
    {
        var terms = new List<Objective> { settings.DataWeight * data };
        if (settings.AlphaWeight > 0)
            terms.Add(settings.AlphaWeight * Objective.AlphaNorm(settings.Alpha));
        if (settings.TvWeight > 0)
            terms.Add(settings.TvWeight * (settings.AnisotropicTv ? Objective.AnisotropicTotalVariation(settings.Beta) : Objective.TotalVariation(settings.Beta)));
        return Objective.Sum(terms);
    }

    private static void Report(InversionOptions options, Tensor energy, double[][]? curves, int step, int iterations, int count)
    {
        bool progress = options.Progress is not null && ((step + 1) % Math.Max(1, options.ProgressInterval) == 0 || step + 1 == iterations);
        if (curves is null && !progress)
            return;
        double[] values = energy.detach().cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        if (curves is not null)
            for (int n = 0; n < count; n++)
                curves[n][step] = values[n];
        if (progress)
            options.Progress!.Report(new InversionProgress(step + 1, iterations, values.Average(), 0, count));
    }
}
