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

    /// <summary>
    /// The number of convolution layers up to and including the layer (<see cref="Backbones.BackboneLayer.ConvolutionCount"/>);
    /// 0 where unknown (geometry from a shape alone).
    /// </summary>
    public int ConvolutionCount { get; init; }

    /// <summary>The backbone's estimate of the original's texture from this layer's target, when it has one.</summary>
    public Regularizers.TextureEstimate? Texture { get; init; }

    /// <summary>The number of pixels of the images.</summary>
    public long PixelCount => InputHeight * InputWidth;

    /// <summary>
    /// Whether the layer is a sequence of patch tokens [T, D] (a vision transformer's block): T is one token per
    /// patch of <see cref="Stride"/>×<see cref="Stride"/> pixels, plus possibly a class token, and D the embedding.
    /// </summary>
    public bool IsTokens { get; init; }

    /// <summary>Whether the layer has no spatial extent left (a pooled embedding or a fully connected layer).</summary>
    public bool IsGlobal => !IsTokens && (OutputShape.Count < 3 || (OutputShape[^1] == 1 && OutputShape[^2] == 1));

    /// <summary>The layer's channels: the first dimension of an image-shaped layer [C, h, w], the last of a token layer [T, D].</summary>
    public long ChannelCount => IsTokens ? OutputShape[^1] : OutputShape.Count > 0 ? OutputShape[0] : 1;

    /// <summary>The positions per channel (tokens of [T, D], h·w of [C, h, w]): what a unit's position indexes.</summary>
    public long PositionCount => OutputShape.Aggregate(1L, (p, d) => p * d) / Math.Max(1, ChannelCount);

    /// <summary>The dimension of the batched output [N, ...] that holds the channels.</summary>
    public int ChannelDimension => IsTokens ? 2 : 1;

    /// <summary>The IJCV jitter amount: max(round(stride / 4), 1); global layers use the stride of 32.</summary>
    public int JitterAmount => Math.Max((int)Math.Round(Math.Min(Stride, 32) / 4.0, MidpointRounding.AwayFromZero), 1);

    /// <summary>The geometry of a backbone's layer for images of the given size.</summary>
    /// <exception cref="ArgumentException">The images are too small to reach the layer.</exception>
    public static LayerGeometry Of(Backbones.Backbone backbone, string layer, int height, int width)
    {
        Backbones.BackboneLayer description = backbone.DescribeLayer(layer, height, width);
        return From(description.Shape, height, width) with
        {
            IsHandcrafted = backbone.IsHandcrafted,
            ConvolutionCount = description.ConvolutionCount,
            Texture = backbone.TextureEstimateFor(layer),
        };
    }

    /// <summary>Computes the geometry of a layer from its output shape at a given input size.</summary>
    public static LayerGeometry From(IReadOnlyList<long> outputShape, long inputHeight, long inputWidth)
    {
        if (outputShape.Count == 2 && PatchSize(outputShape[0], inputHeight, inputWidth) is { } patch)
            return new LayerGeometry(patch, outputShape, inputHeight, inputWidth) { IsTokens = true };
        long outputHeight = outputShape.Count >= 3 ? outputShape[^2] : 1;
        int stride = outputHeight <= 1 ? (int)inputHeight : (int)Math.Max(1, Math.Round((double)inputHeight / outputHeight));
        return new LayerGeometry(stride, outputShape, inputHeight, inputWidth);
    }

    // The patch side p for which T tokens are one per p×p patch, with or without a class token: a p that divides the
    // image exactly first (ViT's 16 at 224), else the smallest with ⌊H/p⌋·⌊W/p⌋ patches; null when none fits (then
    // the layer is a plain vector, e.g. a classifier's logits).
    private static int? PatchSize(long tokens, long height, long width)
    {
        foreach (bool exact in new[] { true, false })
            for (long classTokens = 0; classTokens <= 1; classTokens++)
                for (int p = 2; p <= Math.Min(height, width) / 2; p++)
                    if ((!exact || (height % p == 0 && width % p == 0)) && tokens - classTokens >= 4 && (height / p) * (width / p) == tokens - classTokens)
                        return p;
        return null;
    }
}
