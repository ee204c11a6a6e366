namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Where a layer sits in its network, as the presets need it: the stride of its units on the input (how much
/// the representation has pooled), and whether it is a global (1×1) embedding.
/// </summary>
/// <param name="Stride">Input pixels per output unit (input height / output height); the input size for vectors.</param>
/// <param name="OutputShape">The layer's output shape for one image.</param>
/// <param name="InputHeight">The height of the images.</param>
/// <param name="InputWidth">The width of the images.</param>
public sealed record LayerGeometry(int Stride, IReadOnlyList<long> OutputShape, long InputHeight = 224, long InputWidth = 224)
{
    /// <summary>Whether the layer belongs to a hand-crafted representation (HOG, dense SIFT) rather than a network.</summary>
    public bool IsHandcrafted { get; init; }

    /// <summary>The number of pixels of the images.</summary>
    public long PixelCount => InputHeight * InputWidth;

    /// <summary>Whether the layer has no spatial extent left (a pooled embedding or a fully connected layer).</summary>
    public bool IsGlobal => OutputShape.Count < 3 || (OutputShape[^1] == 1 && OutputShape[^2] == 1);

    /// <summary>The IJCV jitter amount: max(round(stride / 4), 1); global layers use the stride of 32.</summary>
    public int JitterAmount => Math.Max((int)Math.Round(Math.Min(Stride, 32) / 4.0, MidpointRounding.AwayFromZero), 1);

    /// <summary>The geometry of a backbone's layer for images of the given size.</summary>
    /// <exception cref="ArgumentException">The images are too small to reach the layer.</exception>
    public static LayerGeometry Of(Backbones.Backbone backbone, string layer, int height, int width) =>
        From(backbone.DescribeLayer(layer, height, width).Shape, height, width) with { IsHandcrafted = backbone.IsHandcrafted };

    /// <summary>Computes the geometry of a layer from its output shape at a given input size.</summary>
    public static LayerGeometry From(IReadOnlyList<long> outputShape, long inputHeight, long inputWidth)
    {
        long outputHeight = outputShape.Count >= 3 ? outputShape[^2] : 1;
        int stride = outputHeight <= 1 ? (int)inputHeight : (int)Math.Max(1, Math.Round((double)inputHeight / outputHeight));
        return new LayerGeometry(stride, outputShape, inputHeight, inputWidth);
    }
}
