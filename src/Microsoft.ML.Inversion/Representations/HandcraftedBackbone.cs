using Microsoft.ML.Inversion.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Representations;

/// <summary>
/// A hand-crafted representation (HOG, dense SIFT) in the place of a network: everything that takes a
/// <see cref="Backbone"/> (inversion, the ML.NET step, the quality command) takes it. It has one layer,
/// <c>hog</c> or <c>dsift</c>; its input is RGB scaled to 0–1 minus 0.5.
/// </summary>
public sealed class HandcraftedBackbone : Backbone
{
    /// <summary>
    /// The regularisers' scale B in this input space (RGB/255 − 0.5), and the RMS contrast the inversion restores:
    /// 0.28, chelsea's mean pixel colour norm, on which the preset was tuned. Over the three shared photographs the
    /// mean pixel norm is 0.45 and the RMS colour deviation from the mean colour 0.41; with 0.28 the
    /// reconstructions' roughness is 0.4–1.4 of the photographs' (docs/quality.md).
    /// </summary>
    public const double PhotographPixelNorm = 0.28;

    private readonly nn.Module<Tensor, Tensor> _features;
    private readonly (string Name, string Operator)[] _layerNames;

    private HandcraftedBackbone(string name, string layer, nn.Module<Tensor, Tensor> features, Device? device)
        : base(name, new ImagePreprocessing(ChannelOrder.Rgb, 1.0, [0.5f, 0.5f, 0.5f], [1f, 1f, 1f]), 224, 224, device ?? CPU, null, PhotographPixelNorm)
    {
        _features = features;
        _features.to(Device);
        _layerNames = [(layer, features.GetName())];
    }

    /// <summary>The name of a HOG representation's layer.</summary>
    public const string HogLayer = "hog";

    /// <summary>The name of a dense SIFT representation's layer.</summary>
    public const string DenseSiftLayer = "dsift";

    /// <summary>HOG (<see cref="HogFeatures"/>); by default VLFeat's UoCTTI variant with 8-pixel cells and hard binning.</summary>
    public static HandcraftedBackbone Hog(HogOptions? options = null, Device? device = null)
    {
        var module = new HogFeatures(options);
        string binning = module.Options.Binning == OrientationBinning.Hard ? "" : ", bilinear";
        return new HandcraftedBackbone($"HOG ({module.Options.Variant}, cell {module.Options.CellSize}{binning})", HogLayer, module, device);
    }

    /// <summary>Dense SIFT (<see cref="DenseSiftFeatures"/>); by default bins of 5 pixels, one descriptor every 5.</summary>
    public static HandcraftedBackbone DenseSift(DenseSiftOptions? options = null, Device? device = null)
    {
        var module = new DenseSiftFeatures(options);
        return new HandcraftedBackbone($"DSIFT (bin {module.Options.BinSize}, step {module.Options.Step})", DenseSiftLayer, module, device);
    }

    /// <summary>
    /// A representation by name: <c>hog</c>, <c>hogb</c> (bilinear orientation binning), <c>hog-dt</c>
    /// (Dalal–Triggs), <c>dsift</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static HandcraftedBackbone FromName(string name, Device? device = null) => name.ToLowerInvariant() switch
    {
        "hog" => Hog(device: device),
        "hogb" => Hog(new HogOptions { Binning = OrientationBinning.Bilinear }, device),
        "hog-dt" => Hog(new HogOptions { Variant = HogVariant.DalalTriggs }, device),
        "dsift" => DenseSift(device: device),
        _ => throw new ArgumentException($"Unknown representation '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>The names <see cref="FromName"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["hog", "hogb", "hog-dt", "dsift"];

    /// <summary>The feature module.</summary>
    public nn.Module<Tensor, Tensor> Features => _features;

    /// <inheritdoc />
    public override bool IsHandcrafted => true;

    /// <inheritdoc />
    protected override IReadOnlyList<(string Name, string Operator)> LayerNames => _layerNames;

    /// <inheritdoc />
    protected override Tensor[] ForwardCore(Tensor networkInput, IReadOnlyList<string> layers, ExecutionSettings execution)
    {
        Tensor features = _features.call(networkInput);
        return layers.Select((_, i) => i == 0 ? features : features.alias()).ToArray();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _features.Dispose();
        base.Dispose(disposing);
    }
}
