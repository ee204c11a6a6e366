using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using Microsoft.ML.Inversion.Optimizers;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.ML.Inversion.Transforms;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>
/// Where a default-preset step's time goes besides the network: each per-step piece of work timed alone, forward and
/// backward, on a 224×224 canvas (the profile behind the libtorch-ratio note). Milliseconds, medians.
/// </summary>
internal static class StepParts
{
    public static IReadOnlyList<(string Part, double Milliseconds)> Measure(int batch, int repeats)
    {
        using var scope = NewDisposeScope();
        var generators = Enumerable.Range(0, batch).Select(i => new Generator((ulong)i + 1)).ToArray();
        try
        {
            const int size = 224, jitter = 8;
            int canvasSize = size + jitter - 1;
            var setup = new ParameterizationSetup(canvasSize, canvasSize, generators, CPU, ChannelOrder.Bgr, null);
            using var fourier = new FourierImage(setup);
            Tensor canvas = randn(batch, 3, canvasSize, canvasSize).requires_grad_(true);
            var transform = new JitterScaleRotate(size, size, jitter);
            Objective priors = Objective.AlphaNorm(6) + Objective.TotalVariation(2);
            using var adam = new Adam();
            Tensor spectrum = fourier.Parameters[0];
            return
            [
                ("Fourier image (render + its backward)", Time(repeats, () => { fourier.Render().sum().backward(); spectrum.grad!.zero_(); })),
                ("jitter + scale/rotate (one grid sample + backward)", Time(repeats, () => { transform.Apply(canvas, generators).sum().backward(); canvas.grad!.zero_(); })),
                ("α-norm + TV (+ backward)", Time(repeats, () => { priors.Evaluate(new ObjectiveContext(canvas, () => canvas, null, null)).sum().backward(); canvas.grad!.zero_(); })),
                ("Adam update", Time(repeats, () => { spectrum.grad = ones_like(spectrum); adam.Step([spectrum], 0.01); })),
            ];
        }
        finally
        {
            foreach (var g in generators)
                g.Dispose();
        }
    }

    private static double Time(int repeats, Action action) => 1000 * Timing.MedianSeconds(2, repeats, action);
}
