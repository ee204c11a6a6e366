using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Representations;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// How to create a backbone again, so a fitted transformer can be saved and loaded: the built-in ResNet18, an ONNX
/// file with TorchVision ImageNet preprocessing, or a TorchVision architecture with a weights file. A backbone
/// object built by user code in some other way cannot be described and so cannot be saved.
/// </summary>
public sealed record BackboneReference
{
    /// <summary>builtin-resnet18, onnx, torchvision or handcrafted.</summary>
    public required string Kind { get; init; }

    /// <summary>The ONNX file (onnx) or the weights file (torchvision, may be null).</summary>
    public string? Path { get; init; }

    /// <summary>The TorchVision architecture (torchvision), or the representation's name (handcrafted: hog, hogb, hog-dt, dsift).</summary>
    public string? Architecture { get; init; }

    /// <summary>The built-in ResNet18 (the default).</summary>
    public static BackboneReference BuiltInResNet18 { get; } = new() { Kind = "builtin-resnet18" };

    /// <summary>An ONNX file loaded with ImageNet preprocessing.</summary>
    public static BackboneReference Onnx(string path) => new() { Kind = "onnx", Path = System.IO.Path.GetFullPath(path) };

    /// <summary>A TorchVision architecture with an optional weights file.</summary>
    public static BackboneReference TorchVision(string architecture, string? weightsFile) =>
        new() { Kind = "torchvision", Architecture = architecture, Path = weightsFile is null ? null : System.IO.Path.GetFullPath(weightsFile) };

    /// <summary>A hand-crafted representation by name: hog, hogb, hog-dt or dsift (see <see cref="HandcraftedBackbone.FromName"/>).</summary>
    public static BackboneReference Handcrafted(string name)
    {
        HandcraftedBackbone.FromName(name).Dispose();
        return new() { Kind = "handcrafted", Architecture = name };
    }

    /// <summary>The kinds a reference can have.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["builtin-resnet18", "onnx", "torchvision", "handcrafted"];

    /// <summary>Checks the reference without loading anything: a known kind with the fields that kind needs.</summary>
    /// <exception cref="ArgumentException">An unknown kind or a missing field.</exception>
    public void Validate()
    {
        if (!Kinds.Contains(Kind))
            throw new ArgumentException($"Unknown backbone kind '{Kind}'; expected {string.Join(", ", Kinds)}.", nameof(Kind));
        if (Kind == "onnx" && string.IsNullOrWhiteSpace(Path))
            throw new ArgumentException("An ONNX backbone reference needs the path of its .onnx file.", nameof(Path));
        if (Kind is "torchvision" or "handcrafted" && string.IsNullOrWhiteSpace(Architecture))
            throw new ArgumentException($"A {Kind} backbone reference needs {(Kind == "torchvision" ? "an architecture" : "a representation name")}.", nameof(Architecture));
    }

    /// <summary>
    /// The input size the backbone was trained at, without creating it (an ONNX file's declared input shape is read;
    /// 224×224 where it leaves the size open and for the other kinds).
    /// </summary>
    public (int Height, int Width) InputSize() => Kind == "onnx" && Path is { } path ? OnnxBackbone.ReadInputSize(path) : (224, 224);

    /// <summary>Creates the backbone on a device.</summary>
    public Backbone Create(Device device) => Kind switch
    {
        "builtin-resnet18" => PretrainedBackbones.ResNet18(device),
        "onnx" => OnnxBackbone.Load(Path ?? throw new InvalidDataException("An ONNX backbone reference needs a path."), device: device),
        "torchvision" => TorchVisionBackbones.Create(Architecture ?? throw new InvalidDataException("A TorchVision backbone reference needs an architecture."), Path, device),
        "handcrafted" => HandcraftedBackbone.FromName(Architecture ?? throw new InvalidDataException("A hand-crafted backbone reference needs a name."), device),
        _ => throw new InvalidDataException($"Unknown backbone kind '{Kind}'; expected builtin-resnet18, onnx, torchvision or handcrafted."),
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        "builtin-resnet18" => "built-in ResNet18",
        "onnx" => $"ONNX {Path}",
        "handcrafted" => Architecture ?? "hand-crafted",
        _ => $"TorchVision {Architecture}" + (Path is null ? "" : $" ({Path})"),
    };
}
