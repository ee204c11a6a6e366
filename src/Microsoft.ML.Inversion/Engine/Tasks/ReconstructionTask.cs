using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine.Tasks;

/// <summary>
/// Inversion (Mahendran &amp; Vedaldi): from noise, minimise C·‖Φ(x) − Φ0‖²/‖Φ0‖² plus the priors. Scores are the
/// normalised feature errors ‖Φ(x) − Φ0‖/‖Φ0‖.
/// </summary>
public sealed class ReconstructionTask : OptimizationTask
{
    private readonly Tensor _targets;
    private readonly string _layerName;
    private readonly Tensor? _startImages;

    /// <summary>Creates the task for one target per image.</summary>
    /// <param name="targets">Φ0 per image, in the layer's shape [N, C, h, w] or flattened [N, C·h·w].</param>
    /// <param name="layerName">The layer's name as the caller gave it, for messages.</param>
    /// <param name="startImages">Optional RGB 0–255 images [N, 3, H, W] to start from instead of noise (e.g. a learned
    /// decoder's output, refined by optimisation).</param>
    /// <exception cref="ArgumentException">The targets are not [N, ...] with at least one value per image.</exception>
    public ReconstructionTask(Tensor targets, string layerName, Tensor? startImages = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.dim() < 2 || targets.shape[0] < 1)
            throw new ArgumentException($"Targets for layer '{layerName}' must be [N, ...], one row per image; got shape [{string.Join(", ", targets.shape)}].", nameof(targets));
        _targets = targets;
        _layerName = layerName;
        _startImages = startImages;
    }

    /// <inheritdoc />
    public override int Count => (int)_targets.shape[0];

    /// <inheritdoc />
    public override string ScoreName => "‖Φ(x)−Φ0‖/‖Φ0‖";

    /// <inheritdoc />
    public override bool Reconstructs => true;

    /// <inheritdoc />
    public override void Check(TaskContext context)
    {
        long expected = context.Geometry.OutputShape.Aggregate(1L, (p, d) => p * d);
        if (_targets.numel() != Count * expected)
            throw new ArgumentException($"Layer '{_layerName}' of '{context.Backbone.Name}' has {expected} values per image " +
                $"([{string.Join(", ", context.Geometry.OutputShape)}] at {context.Height}×{context.Width}); the targets have shape [{string.Join(", ", _targets.shape)}].", "targets");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor flat = _targets.flatten(1);
        bool[] finite = flat.isfinite().all(1).cpu().data<bool>().ToArray();
        double[] norms = ToDoubles(flat.to(float32).square().sum([1L]));
        for (int i = 0; i < Count; i++)
        {
            if (!finite[i])
                throw new ArgumentException($"Target {i} for layer '{_layerName}' contains NaN or infinite values.", "targets");
            if (!(norms[i] > 0))
                throw new ArgumentException($"Target {i} for layer '{_layerName}' is all zeros: there is nothing to reconstruct " +
                    "(‖Φ0‖ = 0, e.g. an all-black or blank image whose activations vanish at this layer).", "targets");
        }
        if (_startImages is not null && !_startImages.shape.SequenceEqual([Count, 3L, context.Height, context.Width]))
            throw new ArgumentException($"Expected start images [{Count}, 3, {context.Height}, {context.Width}]; got [{string.Join(", ", _startImages.shape)}].", "startImages");
    }

    /// <inheritdoc />
    public override TaskStart Start(TaskContext context)
    {
        Tensor target = _targets.detach().to(float32, context.Backbone.Device).reshape([Count, .. context.Geometry.OutputShape]);
        Tensor? start = _startImages is null ? null : context.Backbone.Preprocessing.ToNetworkInput(_startImages.to(float32, context.Backbone.Device));
        return new TaskStart(context.Settings.Energy(Objective.FeatureReconstruction()), target, start);
    }

    /// <inheritdoc />
    public override double[] Score(TaskContext context, TaskStart start, Tensor networkInput, Tensor features)
    {
        Tensor target = start.Target!;
        return ToDoubles((features - target).flatten(1).norm(1) / target.flatten(1).square().sum([1L]).sqrt());
    }
}
