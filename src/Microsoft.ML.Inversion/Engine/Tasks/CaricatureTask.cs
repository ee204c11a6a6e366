using Microsoft.ML.Inversion.Objectives;
using Microsoft.ML.Inversion.Regularizers;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine.Tasks;

/// <summary>
/// Caricatures (IJCV 2016, section 6): starting from the image itself, amplify what a layer sees in it by maximising
/// ⟨Φ(x), Φ0⟩/‖Φ0‖² under the priors. The score is that ratio: 1 for the original, more for a caricature.
/// </summary>
/// <param name="rgb255">The images [N, 3, H, W], values 0–255.</param>
public sealed class CaricatureTask(Tensor rgb255) : OptimizationTask
{
    /// <summary>The weight of the caricature's TV¹ prior (IJCV normalisation).</summary>
    public const double TvWeight = 5;

    /// <summary>The weight of <see cref="Objective.OutsideRange"/>, which keeps caricatures inside 0–255.</summary>
    public const double RangeWeight = 1000;

    /// <inheritdoc />
    public override int Count => (int)rgb255.shape[0];

    /// <inheritdoc />
    public override string ScoreName => "⟨Φ(x),Φ0⟩/‖Φ0‖²";

    /// <summary>
    /// It starts from the image, not from noise, so the jitter and scale/rotation that help an inversion escape poor
    /// optima are off; the α-norm prior is off (it holds the amplified contrast down and, measured, leaves rougher
    /// images) and a wall at the edges of the displayable range takes its place; C is 1.25× the inversion's, and the
    /// total variation is TV¹ (β = 1, which keeps edges and flattens the rest) at λTV <see cref="TvWeight"/>. The
    /// measurements behind these choices are in docs/visualizations.md.
    /// </summary>
    public override LayerSettings AdaptSettings(LayerSettings inversion) => inversion.WithoutRegularizer<AlphaNormPrior>()
        .WithRegularizer<TotalVariationPrior>(p => p with { Weight = TvWeight, Beta = 1 }, new(TvWeight)) with
    {
        JitterAmount = 1,
        Transforms = Transforms.TransformFactory.Jitter,
        DataWeight = inversion.DataWeight * 1.25,
    };

    /// <inheritdoc />
    public override void Check(TaskContext context)
    {
        if (rgb255.dim() != 4 || rgb255.shape[1] != 3 || rgb255.shape[2] != context.Height || rgb255.shape[3] != context.Width)
            throw new ArgumentException($"Expected RGB images as a tensor [N, 3, {context.Height}, {context.Width}]; got [{string.Join(", ", rgb255.shape)}].", nameof(rgb255));
    }

    /// <inheritdoc />
    public override TaskStart Start(TaskContext context)
    {
        var backbone = context.Backbone;
        var preprocessing = backbone.Preprocessing;
        Tensor start = preprocessing.ToNetworkInput(rgb255.to(float32, backbone.Device));
        Tensor target;
        using (no_grad())
            target = backbone.Forward(start, context.Layer);
        // Without the α-norm nothing else keeps the amplified image displayable.
        double b = backbone.TypicalPixelNorm;
        Tensor black = preprocessing.ToNetworkInput(zeros(1, 3, context.Height, context.Width, device: backbone.Device)) / b;
        Tensor white = preprocessing.ToNetworkInput(full(1, 3, context.Height, context.Width, 255f, device: backbone.Device)) / b;
        Objective energy = context.Settings.Energy(-Objective.TargetInnerProduct()) + RangeWeight * Objective.OutsideRange(black, white);
        return new TaskStart(energy, target, start);
    }

    /// <inheritdoc />
    public override double[] Score(TaskContext context, TaskStart start, Tensor networkInput, Tensor features)
    {
        Tensor target = start.Target!;
        return ToDoubles((features * target).flatten(1).sum([1L]) / target.flatten(1).square().sum([1L]));
    }
}
