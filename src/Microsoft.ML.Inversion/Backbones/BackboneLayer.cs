namespace Microsoft.ML.Inversion.Backbones;

/// <summary>One addressable layer of a backbone, as listed by <see cref="Backbone.DescribeLayers"/>.</summary>
/// <param name="Name">The canonical name: the ONNX node output name, or the module path of a TorchSharp module.</param>
/// <param name="Operator">The ONNX operator or the module's type name.</param>
/// <param name="Shape">The output shape for one image at the described input size: [C, H, W] or [C].</param>
/// <param name="Aliases">Readable names that address the same layer (e.g. <c>stage3</c>).</param>
public sealed record BackboneLayer(string Name, string Operator, IReadOnlyList<long> Shape, IReadOnlyList<string> Aliases)
{
    /// <summary>The number of values the layer outputs for one image.</summary>
    public long ElementCount => Shape.Aggregate(1L, (p, d) => p * d);

    /// <summary>
    /// The number of convolution layers the network runs up to and including this layer (ResNet18: 1 at pool1, 5 at
    /// stage1): how far past the stem it lies, where the stride alone cannot tell (pool1 and stage1 are both stride 4).
    /// </summary>
    public int ConvolutionCount { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} {Operator} [{string.Join("x", Shape)}]" + (Aliases.Count > 0 ? $" (alias {string.Join(", ", Aliases)})" : "");
}
