using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Regularizers;

/// <summary>
/// A linear estimate, from the target Φ0 alone, of how textured the original photograph is: the logarithm of its mean
/// neighbour difference (<see cref="Measures.ImageMeasures.NeighbourDifference"/>, RGB 0–255). A pooled embedding keeps
/// no map to read texture from position to position, but which channels fire says whether the photograph is fog or
/// fur; a TV guide (<see cref="TotalVariationGuide.Texture"/>) uses the estimate to smooth flat photographs more.
/// </summary>
/// <remarks>
/// The features are Φ0's channel means (over positions or tokens) divided by their L1 norm, so the estimate reads
/// the mix of channels, not the overall activation. Fitted by ridge regression on photographs
/// (<see cref="Fit"/>); the built-in ResNet18 carries the fit on the 33 tuning photographs
/// (<see cref="Backbones.Backbone.TextureEstimates"/>).
/// </remarks>
/// <param name="Weights">One weight per channel.</param>
/// <param name="Bias">The estimate for all-zero features.</param>
/// <param name="Reference">The mean log texture of the photographs fitted on: an estimate equal to it gets gain 1.</param>
public sealed record TextureEstimate(IReadOnlyList<double> Weights, double Bias, double Reference)
{
    /// <summary>The estimated log texture of each image, [N] in float64.</summary>
    /// <param name="target">Φ0: [N, C, h, w], [N, C], or tokens [N, T, C] when <paramref name="channelDimension"/> is 2.</param>
    /// <param name="channelDimension">The dimension that holds the channels (1, or 2 for tokens).</param>
    /// <exception cref="ArgumentException">The target's channel count differs from the estimate's.</exception>
    public Tensor Predict(Tensor target, int channelDimension = 1)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor means = ChannelMeans(target, channelDimension);
        if (means.shape[1] != Weights.Count)
            throw new ArgumentException($"The texture estimate has {Weights.Count} weights; the target has {means.shape[1]} channels.", nameof(target));
        Tensor w = tensor(Weights.ToArray(), ScalarType.Float64, means.device);
        return (means.matmul(w) + Bias).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Fits an estimate by ridge regression: the log textures of photographs from their targets, with the penalty
    /// <paramref name="ridge"/> relative to the features' mean squared norm.
    /// </summary>
    /// <param name="targets">The photographs' Φ0, as for <see cref="Predict"/>.</param>
    /// <param name="logTextures">Each photograph's log mean neighbour difference, [N].</param>
    /// <param name="ridge">The penalty (0.01 fits the 33 tuning photographs best, leave-one-out).</param>
    /// <param name="channelDimension">The dimension that holds the channels.</param>
    public static TextureEstimate Fit(Tensor targets, Tensor logTextures, double ridge = 0.01, int channelDimension = 1)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor x = ChannelMeans(targets, channelDimension);
        Tensor y = logTextures.to(ScalarType.Float64).to(x.device);
        Tensor mu = x.mean([0L]), ym = y.mean();
        Tensor xc = x - mu, yc = y - ym;
        double scale = xc.square().sum(1).mean().item<double>();
        // The dual form: N photographs and C ≫ N channels.
        Tensor gram = xc.matmul(xc.t()) + eye(xc.shape[0], dtype: ScalarType.Float64, device: x.device) * (ridge * scale);
        Tensor w = xc.t().matmul(linalg.solve(gram, yc.unsqueeze(1))).squeeze(1);
        double bias = (ym - mu.dot(w)).item<double>();
        return new TextureEstimate(w.cpu().data<double>().ToArray(), bias, ym.item<double>());
    }

    /// <summary>Writes estimates by layer name as one JSON file.</summary>
    public static void Save(IReadOnlyDictionary<string, TextureEstimate> estimates, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(estimates.ToDictionary(e => e.Key, e => new Stored(e.Value.Weights.ToArray(), e.Value.Bias, e.Value.Reference)),
            new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Reads estimates by layer name written by <see cref="Save"/>.</summary>
    /// <param name="json">The file's contents.</param>
    /// <param name="name">The file's name, for errors.</param>
    /// <exception cref="InvalidDataException">The file does not hold texture estimates.</exception>
    public static IReadOnlyDictionary<string, TextureEstimate> Load(Stream json, string name)
    {
        Dictionary<string, Stored>? stored;
        try { stored = JsonSerializer.Deserialize<Dictionary<string, Stored>>(json); }
        catch (JsonException e) { throw new InvalidDataException($"'{name}' does not hold texture estimates: {e.Message}", e); }
        if (stored is null || stored.Values.Any(s => s?.Weights is not { Length: > 0 }))
            throw new InvalidDataException($"'{name}' does not hold texture estimates: expected an object of layers, each with weights.");
        return stored.ToDictionary(s => s.Key, s => new TextureEstimate(s.Value.Weights, s.Value.Bias, s.Value.Reference));
    }

    /// <summary>A short description for reports.</summary>
    public string Describe() => $"texture estimated from Φ0's {Weights.Count} channels";

    private static Tensor ChannelMeans(Tensor target, int channelDimension)
    {
        Tensor t = target.to(ScalarType.Float64);
        Tensor means = channelDimension == 2 ? t.mean([1L]) : t.dim() > 2 ? t.flatten(2).mean([2L]) : t;
        return means / means.abs().sum(1, keepdim: true).clamp_min(1e-12);
    }

    private sealed record Stored(double[] Weights, double Bias, double Reference);
}
