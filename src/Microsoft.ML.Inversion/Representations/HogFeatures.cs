using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Representations;

/// <summary>
/// Histograms of oriented gradients as a differentiable TorchSharp module: images [N, 3, H, W] (any offset and
/// scale; HOG only sees gradients) to features [N, D, ⌊H/s⌋, ⌊W/s⌋], D = <see cref="HogOptions.Dimensions"/>.
/// </summary>
/// <remarks>
/// As in VLFeat's <c>vl_hog</c>: central-difference gradients, at each pixel the colour channel with the
/// largest gradient, 2·O directed orientation bins over 360° with hard or bilinear (HOGb) assignment, bilinear
/// spatial votes into cells of s pixels, then the block normalisation of <see cref="HogOptions.Variant"/>.
/// Blocks are the four 2×2 groups of cells containing a cell, listed with their top-left cell at (i−1, j−1),
/// (i−1, j), (i, j−1), (i, j); cells outside the image count as empty. Normalisation adds ε = 10⁻⁴ to squared
/// norms. Derivatives exist almost everywhere (the max, the hard binning and the clipping are piecewise).
/// </remarks>
public sealed class HogFeatures : nn.Module<Tensor, Tensor>
{
    /// <summary>Added to squared norms before normalising.</summary>
    public const double NormalisationEpsilon = 1e-4;

    private const double UoCttiTextureScale = 0.2357;

    /// <summary>Creates the module.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public HogFeatures(HogOptions? options = null) : base("HogFeatures")
    {
        Options = options ?? new HogOptions();
        Options.Validate();
        _pooling = new PoolingWeightCache(size => GradientHistograms.CellCentres(size, Options.CellSize), Options.CellSize);
        RegisterComponents();
    }

    private readonly PoolingWeightCache _pooling;

    /// <summary>The parameters.</summary>
    public HogOptions Options { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor image)
    {
        if (image.dim() != 4 || image.shape[1] != 3)
            throw new ArgumentException($"HOG expects images [N, 3, H, W]; got [{string.Join(", ", image.shape)}].", nameof(image));
        if (image.shape[2] < Options.CellSize || image.shape[3] < Options.CellSize)
            throw new ArgumentException($"HOG with {Options.CellSize}-pixel cells needs images of at least {Options.CellSize}×{Options.CellSize}; got {image.shape[2]}×{image.shape[3]}.", nameof(image));
        using var scope = NewDisposeScope();
        var (channelGx, channelGy) = GradientHistograms.Gradients(image);
        Tensor channelMagnitude = GradientHistograms.Magnitude(channelGx, channelGy);
        Tensor strongest = channelMagnitude.argmax(1, keepdim: true);
        Tensor gx = channelGx.gather(1, strongest), gy = channelGy.gather(1, strongest);
        Tensor magnitude = channelMagnitude.gather(1, strongest);

        int o = Options.Orientations;
        Tensor votes = GradientHistograms.OrientationVotes(gx, gy, magnitude, 2 * o, Options.Binning);
        var (rows, columns) = _pooling.For(votes);
        Tensor directed = GradientHistograms.PoolAt(votes, rows, columns);
        Tensor undirected = directed.narrow(1, 0, o) + directed.narrow(1, o, o);
        Tensor features = Options.Variant == HogVariant.UoCtti ? UoCtti(directed, undirected) : DalalTriggs(undirected);
        return features.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _pooling.Dispose();
        base.Dispose(disposing);
    }

    private static readonly (int Row, int Column)[] BlockOffsets = [(0, 0), (0, 1), (1, 0), (1, 1)];

    private Tensor UoCtti(Tensor directed, Tensor undirected)
    {
        long h = directed.shape[2], w = directed.shape[3];
        // Block (a, b) of the (h+1)×(w+1) grid covers cells a−1..a and b−1..b.
        Tensor energy = F.pad(undirected.square().sum([1L], keepdim: true), [1, 1, 1, 1]);
        Tensor blockEnergy = BlockOffsets.Select(d => energy.narrow(2, d.Row, h + 1).narrow(3, d.Column, w + 1)).Aggregate((a, b) => a + b);
        Tensor factors = (blockEnergy + NormalisationEpsilon).rsqrt();

        Tensor? directedSum = null, undirectedSum = null;
        var texture = new List<Tensor>();
        foreach (var (row, column) in BlockOffsets)
        {
            Tensor factor = factors.narrow(2, row, h).narrow(3, column, w);
            Tensor d = (directed * factor).clamp_max(Options.Clip);
            Tensor u = (undirected * factor).clamp_max(Options.Clip);
            directedSum = directedSum is null ? d : directedSum + d;
            undirectedSum = undirectedSum is null ? u : undirectedSum + u;
            texture.Add(u.sum([1L], keepdim: true) * UoCttiTextureScale);
        }
        return cat([directedSum! * 0.5, undirectedSum! * 0.5, .. texture], 1);
    }

    private Tensor DalalTriggs(Tensor undirected)
    {
        long h = undirected.shape[2], w = undirected.shape[3];
        Tensor padded = F.pad(undirected, [1, 1, 1, 1]);
        // members[k]: the cell at offset BlockOffsets[k] inside each block of the (h+1)×(w+1) grid.
        Tensor[] members = BlockOffsets.Select(d => padded.narrow(2, d.Row, h + 1).narrow(3, d.Column, w + 1)).ToArray();
        Tensor first = (members.Select(m => m.square().sum([1L], keepdim: true)).Aggregate((a, b) => a + b) + NormalisationEpsilon).rsqrt();
        Tensor[] clipped = members.Select(m => (m * first).clamp_max(Options.Clip)).ToArray();
        Tensor second = (clipped.Select(m => m.square().sum([1L], keepdim: true)).Aggregate((a, b) => a + b) + NormalisationEpsilon).rsqrt();
        // The block whose top-left cell is (i−1+r, j−1+c) holds cell (i, j) as its member (1−r, 1−c).
        var parts = BlockOffsets.Select(d =>
        {
            int member = Array.IndexOf(BlockOffsets, (1 - d.Row, 1 - d.Column));
            return (clipped[member] * second).narrow(2, d.Row, h).narrow(3, d.Column, w);
        });
        return cat(parts.ToArray(), 1);
    }
}
