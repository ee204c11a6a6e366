using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Objectives;
using Microsoft.ML.Inversion.Optimizers;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.ML.Inversion.Transforms;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// The loop every task shares (inversion, activation maximisation, caricature): it wires the parameterisation,
/// transforms and optimiser that the request's settings create to the request's objective, following the settings'
/// schedule. Each step runs in its own dispose scope. It holds no state between runs.
/// </summary>
public static class OptimizationLoop
{
    /// <summary>Validates the request, runs its schedule and returns the final images.</summary>
    /// <exception cref="ArgumentException">The request does not validate.</exception>
    /// <exception cref="OperationCanceledException">The request's token was cancelled.</exception>
    public static OptimizationOutcome Run(OptimizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        NativeAllocatorTuning.Apply();
        var generators = request.Seeds.Select(s => new Generator((ulong)s)).ToArray();
        try
        {
            return RunWith(request, generators);
        }
        finally
        {
            foreach (var generator in generators)
                generator.Dispose();
        }
    }

    private static OptimizationOutcome RunWith(OptimizationRequest request, Generator[] generators)
    {
        var (backbone, settings) = (request.Backbone, request.Settings);
        int height = request.Height, width = request.Width;
        double b = backbone.TypicalPixelNorm;
        int jitter = settings.JitterAmount;
        long margin = jitter - 1;
        Tensor? targetNorm = request.Target?.flatten(1).square().sum([1L]);
        Tensor? initialCanvas = null;
        if (request.StartImages is { } startImages)
        {
            // The canvas is larger than the image by the jitter margin; reflect the start image into it.
            Tensor scaled = startImages.to(float32, backbone.Device) / b;
            initialCanvas = margin == 0 ? scaled : F.pad(scaled, [margin / 2, margin - margin / 2, margin / 2, margin - margin / 2], PaddingModes.Reflect);
        }
        var setup = new ParameterizationSetup(height + margin, width + margin, generators, backbone.Device, backbone.Preprocessing.ChannelOrder, initialCanvas);
        if (initialCanvas is null && settings.Start is { } start)
        {
            using var noise = settings.Parameterization.Create(setup);
            using var noGrad = no_grad();
            using Tensor first = noise.Render();
            setup = setup with { InitialImages = start.Canvas(first, backbone) };
        }
        using ImageParameterization parameterization = settings.Parameterization.Create(setup);
        ImageTransform jittered = settings.Transforms.Create(new TransformSetup(height, width, jitter));
        var centreCrop = new JitterCrop(height, width, jitter, random: false);
        using InversionOptimizer optimizer = settings.Optimizer.Create();
        using var cache = new ObjectiveCache();

        double[][]? curves = request.RecordLossCurve ? Enumerable.Range(0, request.Count).Select(_ => new double[settings.Iterations]).ToArray() : null;
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
                request.CancellationToken.ThrowIfCancellationRequested();
                using var stepScope = NewDisposeScope();
                Tensor canvas = parameterization.Render();
                Tensor view = (phase.Jitter ? jittered : centreCrop).Apply(canvas, generators);
                Tensor networkInput = view * b;
                var context = new ObjectiveContext(canvas, () => backbone.Forward(networkInput, request.Layer, request.Execution), request.Target, targetNorm, cache);
                Tensor energy = request.Objective.Evaluate(context);
                energy.sum().backward();
                optimizer.Step(parameterization.Parameters, rate);
                parameterization.Project(settings.MaxPixelNorm);
                Report(request, energy, curves, step);
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
    private static Tensor WithNaturalContrast(Tensor images) =>
        images.mean([2L, 3L], keepdim: true) + ColourContrast.Normalised(images);

    private static void Report(OptimizationRequest request, Tensor energy, double[][]? curves, int step)
    {
        int iterations = request.Settings.Iterations;
        bool progress = request.Progress is not null && ((step + 1) % request.ProgressInterval == 0 || step + 1 == iterations);
        if (curves is null && !progress)
            return;
        double[] values = energy.detach().cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        if (curves is not null)
            for (int n = 0; n < values.Length; n++)
                curves[n][step] = values[n];
        if (progress)
            request.Progress!.Report(new InversionProgress(step + 1, iterations, values.Average(), 0, values.Length));
    }
}
