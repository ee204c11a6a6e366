using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// TorchVision architectures as backbones, with weights from a TorchSharp weights file (a state dict saved by
/// TorchSharp's <c>save</c> or exported from PyTorch with TorchSharp's <c>exportsd.py</c>). Nothing is downloaded:
/// without a weights file the network has random weights. Preprocessing is TorchVision's ImageNet convention.
/// </summary>
public static class TorchVisionBackbones
{
    private static readonly Dictionary<string, (Func<string?, Device, nn.Module<Tensor, Tensor>> Create, Dictionary<string, string> Aliases)> Architectures =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["alexnet"] = ((w, d) => torchvision.models.alexnet(weights_file: w, skipfc: false, device: d), Alexnet()),
            ["vgg11"] = ((w, d) => torchvision.models.vgg11(weights_file: w, skipfc: false, device: d), []),
            ["vgg16"] = ((w, d) => torchvision.models.vgg16(weights_file: w, skipfc: false, device: d), []),
            ["vgg19"] = ((w, d) => torchvision.models.vgg19(weights_file: w, skipfc: false, device: d), []),
            ["resnet18"] = ((w, d) => torchvision.models.resnet18(weights_file: w, skipfc: false, device: d), ResNet()),
            ["resnet34"] = ((w, d) => torchvision.models.resnet34(weights_file: w, skipfc: false, device: d), ResNet()),
            ["resnet50"] = ((w, d) => torchvision.models.resnet50(weights_file: w, skipfc: false, device: d), ResNet()),
            ["googlenet"] = ((w, d) => torchvision.models.googlenet(weights_file: w, skipfc: false, device: d), []),
        };

    /// <summary>The architecture names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = Architectures.Keys.ToArray();

    /// <summary>Builds a TorchVision architecture as a backbone.</summary>
    /// <param name="architecture">One of <see cref="Names"/> (case-insensitive).</param>
    /// <param name="weightsFile">A TorchSharp weights file; null leaves the weights random.</param>
    /// <param name="device">Where to run (default CPU).</param>
    /// <exception cref="ArgumentException">Unknown architecture.</exception>
    /// <exception cref="FileNotFoundException">The weights file does not exist.</exception>
    public static TorchModuleBackbone Create(string architecture, string? weightsFile = null, Device? device = null)
    {
        if (!Architectures.TryGetValue(architecture, out var entry))
            throw new ArgumentException($"Unknown TorchVision architecture '{architecture}'. Known: {string.Join(", ", Names)}.", nameof(architecture));
        if (weightsFile is not null && !File.Exists(weightsFile))
            throw new FileNotFoundException($"Weights file '{weightsFile}' for {architecture} does not exist.", weightsFile);
        device ??= CPU;
        var module = entry.Create(weightsFile, device);
        return new TorchModuleBackbone(module, ImagePreprocessing.ImageNet(), architecture.ToLowerInvariant(), device, 224, entry.Aliases);
    }

    private static Dictionary<string, string> ResNet() => new()
    {
        ["conv1"] = "relu",
        ["pool1"] = "maxpool",
        ["stage1"] = "layer1",
        ["stage2"] = "layer2",
        ["stage3"] = "layer3",
        ["stage4"] = "layer4",
        ["pool5"] = "avgpool",
    };

    private static Dictionary<string, string> Alexnet() => new()
    {
        ["conv1"] = "features.1",
        ["pool1"] = "features.2",
        ["conv2"] = "features.4",
        ["pool2"] = "features.5",
        ["conv3"] = "features.7",
        ["conv4"] = "features.9",
        ["conv5"] = "features.11",
        ["pool5"] = "features.12",
    };
}
