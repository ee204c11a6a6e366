using System.Diagnostics;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Reconstructs images from a layer's representation (Mahendran &amp; Vedaldi): starting from noise, it minimises
/// C·‖Φ(x) − Φ0‖²/‖Φ0‖² + λα·‖x‖α^α + λTV·TV^β(x) with the preset's parameterisation, transforms and optimiser.
/// A batch of targets is optimised as one tensor; each image has its own normalisation, random start and
/// random transforms, so it comes out the same alone or in a batch.
/// </summary>
public sealed class FeatureInverter
{
    /// <summary>Creates an inverter for one layer of a backbone.</summary>
    /// <param name="backbone">The network (not owned: the caller disposes it).</param>
    /// <param name="layer">A layer name or alias.</param>
    /// <param name="options">Preset and overrides; default the default preset.</param>
    /// <exception cref="UnknownLayerException">The layer does not exist.</exception>
    public FeatureInverter(Backbone backbone, string layer, InversionOptions? options = null)
    {
        Backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        Layer = backbone.ResolveLayer(layer);
        LayerAlias = layer;
        Options = options ?? new InversionOptions();
    }

    /// <summary>The network.</summary>
    public Backbone Backbone { get; }

    /// <summary>The canonical name of the inverted layer.</summary>
    public string Layer { get; }

    /// <summary>The name the layer was asked for by.</summary>
    public string LayerAlias { get; }

    /// <summary>The options.</summary>
    public InversionOptions Options { get; }

    /// <summary>The geometry of the layer for images of the given size.</summary>
    /// <exception cref="ArgumentException">The images are too small to reach the layer.</exception>
    public LayerGeometry Geometry(int height, int width) =>
        LayerGeometry.From(Backbone.DescribeLayer(LayerAlias, height, width).Shape, height, width) with { IsHandcrafted = Backbone.IsHandcrafted };

    /// <summary>The settings the options resolve to for images of the given size.</summary>
    public LayerSettings SettingsFor(int height, int width) => Options.Resolve(Geometry(height, width), Backbone.TypicalPixelNorm);

    /// <summary>
    /// Inverts the layer's representation of each image: Φ0 is computed from <paramref name="rgb255"/>
    /// ([N, 3, H, W], values 0–255) and reconstructions of the same size are returned.
    /// </summary>
    /// <param name="rgb255">The images whose representation is the target.</param>
    /// <param name="seeds">One seed per image; default <c>Options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps with <see cref="OperationCanceledException"/>.</param>
    public InversionResult InvertImages(Tensor rgb255, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        if (rgb255.dim() != 4 || rgb255.shape[1] != 3)
            throw new ArgumentException($"Expected RGB images as a tensor [N, 3, H, W]; got [{string.Join(", ", rgb255.shape)}].", nameof(rgb255));
        int height = (int)rgb255.shape[2], width = (int)rgb255.shape[3];
        Geometry(height, width);
        using var scope = NewDisposeScope();
        Tensor target;
        using (no_grad())
            target = Backbone.Featurize(rgb255.to(float32, Backbone.Device), Layer);
        return InvertFeatures(target, height, width, seeds, cancellationToken);
    }

    /// <summary>
    /// Inverts given representations: <paramref name="targets"/> holds one target per image, either in the
    /// layer's shape [N, C, h, w] or flattened [N, C·h·w] (a stored embedding).
    /// </summary>
    /// <param name="targets">The target representations Φ0.</param>
    /// <param name="height">The height of the images to reconstruct.</param>
    /// <param name="width">Their width.</param>
    /// <param name="seeds">One seed per image; default <c>Options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">Wrong size, non-finite values or an all-zero target.</exception>
    public InversionResult InvertFeatures(Tensor targets, int height, int width, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        LayerGeometry geometry = Geometry(height, width);
        LayerSettings settings = Options.Resolve(geometry, Backbone.TypicalPixelNorm);
        long count = targets.shape[0];
        long expected = geometry.OutputShape.Aggregate(1L, (p, d) => p * d);
        if (targets.dim() < 2 || targets.numel() != count * expected)
            throw new ArgumentException($"Layer '{LayerAlias}' of '{Backbone.Name}' has {expected} values per image " +
                $"([{string.Join(", ", geometry.OutputShape)}] at {height}×{width}); the targets have shape [{string.Join(", ", targets.shape)}].", nameof(targets));
        if (seeds is not null && seeds.Count != count)
            throw new ArgumentException($"Expected {count} seeds, one per target; got {seeds.Count}.", nameof(seeds));

        var stopwatch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        Tensor target = targets.detach().to(float32, Backbone.Device).reshape([count, .. geometry.OutputShape]);
        Tensor targetNorm = CheckTargets(target);

        long[] itemSeeds = Enumerable.Range(0, (int)count).Select(i => seeds?[i] ?? Options.Seed + i).ToArray();
        Objective objective = Options.Objective ?? OptimizationLoop.Regularised(Objective.FeatureReconstruction(), settings);
        var outcome = OptimizationLoop.Run(Backbone, Layer, settings, objective, target, itemSeeds, height, width, null, Options, cancellationToken);

        using (no_grad())
        {
            Tensor images = outcome.RgbImages(Backbone);
            Tensor features = Backbone.Forward(OptimizationOutcome.InputOf(Backbone, images), Layer);
            double[] errors = ((features - target).flatten(1).norm(1) / targetNorm.sqrt()).cpu().to_type(ScalarType.Float64).data<double>().ToArray();
            return new InversionResult(images, errors, outcome.Steps, stopwatch.Elapsed.TotalSeconds, outcome.LossCurves, settings);
        }
    }

    private Tensor CheckTargets(Tensor target)
    {
        using var noGrad = no_grad();
        Tensor flat = target.flatten(1);
        bool[] finite = flat.isfinite().all(1).cpu().data<bool>().ToArray();
        for (int i = 0; i < finite.Length; i++)
            if (!finite[i])
                throw new ArgumentException($"Target {i} for layer '{LayerAlias}' contains NaN or infinite values.");
        Tensor norm = flat.square().sum([1L]);
        double[] norms = norm.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        for (int i = 0; i < norms.Length; i++)
            if (!(norms[i] > 0))
                throw new ArgumentException($"Target {i} for layer '{LayerAlias}' is all zeros: there is nothing to reconstruct " +
                    "(‖Φ0‖ = 0, e.g. an all-black or blank image whose activations vanish at this layer).");
        return norm;
    }
}
