using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine.Tasks;

/// <summary>
/// Inversion (Mahendran &amp; Vedaldi): from noise, minimise C·‖Φ(x) − Φ0‖²/‖Φ0‖² plus the priors. Scores are the
/// normalised feature errors ‖Φ(x) − Φ0‖/‖Φ0‖.
/// </summary>
/// <param name="targets">Φ0 per image, in the layer's shape [N, C, h, w] or flattened [N, C·h·w].</param>
/// <param name="layerName">The layer's name as the caller gave it, for messages.</param>
public sealed class ReconstructionTask(Tensor targets, string layerName) : OptimizationTask
{
    /// <inheritdoc />
    public override int Count => (int)targets.shape[0];

    /// <inheritdoc />
    public override string ScoreName => "‖Φ(x)−Φ0‖/‖Φ0‖";

    /// <inheritdoc />
    public override void Check(TaskContext context)
    {
        long expected = context.Geometry.OutputShape.Aggregate(1L, (p, d) => p * d);
        if (targets.dim() < 2 || targets.numel() != Count * expected)
            throw new ArgumentException($"Layer '{layerName}' of '{context.Backbone.Name}' has {expected} values per image " +
                $"([{string.Join(", ", context.Geometry.OutputShape)}] at {context.Height}×{context.Width}); the targets have shape [{string.Join(", ", targets.shape)}].", nameof(targets));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor flat = targets.flatten(1);
        bool[] finite = flat.isfinite().all(1).cpu().data<bool>().ToArray();
        double[] norms = ToDoubles(flat.to(float32).square().sum([1L]));
        for (int i = 0; i < Count; i++)
        {
            if (!finite[i])
                throw new ArgumentException($"Target {i} for layer '{layerName}' contains NaN or infinite values.", nameof(targets));
            if (!(norms[i] > 0))
                throw new ArgumentException($"Target {i} for layer '{layerName}' is all zeros: there is nothing to reconstruct " +
                    "(‖Φ0‖ = 0, e.g. an all-black or blank image whose activations vanish at this layer).", nameof(targets));
        }
    }

    /// <inheritdoc />
    public override TaskStart Start(TaskContext context)
    {
        Tensor target = targets.detach().to(float32, context.Backbone.Device).reshape([Count, .. context.Geometry.OutputShape]);
        return new TaskStart(context.Settings.Energy(Objective.FeatureReconstruction()), target);
    }

    /// <inheritdoc />
    public override double[] Score(TaskContext context, TaskStart start, Tensor networkInput, Tensor features)
    {
        Tensor target = start.Target!;
        return ToDoubles((features - target).flatten(1).norm(1) / target.flatten(1).square().sum([1L]).sqrt());
    }
}
