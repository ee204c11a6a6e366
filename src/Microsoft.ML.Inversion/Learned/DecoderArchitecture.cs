using Microsoft.ML.Inversion.Engine;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>
/// The shape of an up-convolutional decoder (Dosovitskiy &amp; Brox 2016) for one layer: a stem that reads the
/// layer's channels, one <see cref="UpBlock"/> per doubling of resolution (log2 of the layer's stride), and a final
/// convolution to RGB. Saved beside the weights, so a checkpoint can rebuild the module it came from.
/// </summary>
/// <param name="InputChannels">The layer's channel count.</param>
/// <param name="StemWidth">The stem's width.</param>
/// <param name="Widths">The output width of each up block; one block per factor of 2 in the stride.</param>
public sealed record DecoderArchitecture(int InputChannels, int StemWidth, IReadOnlyList<int> Widths)
{
    /// <summary>The decoder's stride: output pixels per feature position (2 to the number of up blocks).</summary>
    public int Stride => 1 << Widths.Count;

    /// <summary>
    /// Widths by stride: the stem's width and each block's, halving as resolution doubles (the stem never exceeds the
    /// layer's channels by more than 2×, so shallow layers get thin decoders).
    /// </summary>
    private static readonly IReadOnlyDictionary<int, (int Stem, int[] Blocks)> Table = new Dictionary<int, (int, int[])>
    {
        [1] = (64, []),
        [2] = (64, [32]),
        [4] = (128, [64, 32]),
        [8] = (256, [128, 64, 32]),
        [16] = (256, [128, 64, 32, 16]),
        [32] = (256, [256, 128, 64, 32, 16]),
    };

    /// <summary>The architecture for a layer's geometry.</summary>
    /// <exception cref="NotSupportedException">The layer is global (a pooled vector) or a token layer, or its stride is not a power of 2 up to 32.</exception>
    public static DecoderArchitecture For(LayerGeometry layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.IsGlobal || layer.IsTokens || layer.IsHandcrafted)
            throw new NotSupportedException($"A learned decoder needs a spatial network layer [C, h, w]; this one has shape [{string.Join(", ", layer.OutputShape)}]{(layer.IsTokens ? " (tokens)" : layer.IsGlobal ? " (global)" : " (hand-crafted)")}.");
        if (!Table.TryGetValue(layer.Stride, out var widths))
            throw new NotSupportedException($"A learned decoder needs a layer whose stride is 1, 2, 4, 8, 16 or 32; this one's is {layer.Stride}.");
        int channels = (int)layer.ChannelCount;
        return new DecoderArchitecture(channels, Math.Min(widths.Stem, Math.Max(32, 2 * channels)), widths.Blocks);
    }

    /// <summary>Checks the fields (a hand-edited checkpoint fails here with the field's name).</summary>
    /// <exception cref="InvalidDataException">A width is not positive or there are more than five blocks.</exception>
    public void Validate()
    {
        if (InputChannels <= 0 || StemWidth <= 0 || Widths is null || Widths.Count > 5 || Widths.Any(w => w <= 0))
            throw new InvalidDataException($"Decoder architecture is invalid: InputChannels {InputChannels}, StemWidth {StemWidth}, Widths [{string.Join(", ", Widths ?? [])}] (positive widths, at most five blocks).");
    }
}
