using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Representations;

/// <summary>
/// The differentiable pieces HOG and SIFT share: image gradients by fixed filters, orientation votes and
/// triangular (bilinear) spatial pooling. Tensors are [N, C, H, W] in any floating type, on any device.
/// </summary>
internal static class GradientHistograms
{
    /// <summary>Below this squared magnitude a pixel counts as flat (its angle is undefined).</summary>
    private const double FlatSquaredMagnitude = 1e-20;

    /// <summary>
    /// Central differences of every channel with replicated borders: gx(u, v) = (I(u, v+1) − I(u, v−1)) / 2 and
    /// gy(u, v) = (I(u+1, v) − I(u−1, v)) / 2, rows growing downwards.
    /// </summary>
    public static (Tensor Gx, Tensor Gy) Gradients(Tensor image)
    {
        long h = image.shape[2], w = image.shape[3];
        Tensor padded = F.pad(image, [1, 1, 1, 1], PaddingModes.Replicate);
        Tensor middleRows = padded.narrow(2, 1, h);
        Tensor middleColumns = padded.narrow(3, 1, w);
        Tensor gx = (middleRows.narrow(3, 2, w) - middleRows.narrow(3, 0, w)) * 0.5;
        Tensor gy = (middleColumns.narrow(2, 2, h) - middleColumns.narrow(2, 0, h)) * 0.5;
        return (gx, gy);
    }

    /// <summary>√(gx² + gy²), with a zero (not NaN) derivative where the gradient vanishes.</summary>
    public static Tensor Magnitude(Tensor gx, Tensor gy) => (gx.square() + gy.square()).clamp_min(FlatSquaredMagnitude).sqrt();

    /// <summary>
    /// The magnitude of each pixel's gradient distributed over <paramref name="bins"/> directed orientation bins
    /// covering 360°, bin k centred at angle 2πk/bins (angle atan2(gy, gx)): [N, 1, H, W] → [N, bins, H, W].
    /// </summary>
    public static Tensor OrientationVotes(Tensor gx, Tensor gy, Tensor magnitude, int bins, OrientationBinning binning)
    {
        // atan2 has no derivative at (0, 0): flat pixels get the angle of (1, 0); their magnitude is ~0 anyway.
        Tensor flat = (gx.square() + gy.square()) <= FlatSquaredMagnitude;
        Tensor safeX = where(flat, ones_like(gx), gx);
        Tensor safeY = where(flat, zeros_like(gy), gy);
        Tensor position = safeY.atan2(safeX) * (bins / (2 * Math.PI));
        Tensor centres = arange(bins, dtype: gx.dtype, device: gx.device).reshape(1, bins, 1, 1);
        Tensor weights;
        if (binning == OrientationBinning.Hard)
        {
            Tensor nearest = position.round().remainder(bins);
            weights = nearest.eq(centres).to_type(gx.dtype);
        }
        else
        {
            // The signed distance from each bin centre around the circle, in bins, in [−bins/2, bins/2).
            Tensor offset = (position - centres + bins / 2.0).remainder(bins) - bins / 2.0;
            weights = (1 - offset.abs()).clamp_min(0);
        }
        return weights * magnitude;
    }

    /// <summary>
    /// The centres of cells of <paramref name="cellSize"/> pixels along a side of <paramref name="size"/> pixels:
    /// cᵢ = s·i + (s − 1)/2 for the ⌊size/s⌋ whole cells. Pooled with <see cref="PoolAt"/>, pixel x gives cell i the
    /// weight max(0, 1 − |x − cᵢ| / s) in each direction.
    /// </summary>
    public static double[] CellCentres(long size, int cellSize) =>
        Enumerable.Range(0, (int)(size / cellSize)).Select(i => cellSize * i + (cellSize - 1) / 2.0).ToArray();

    /// <summary>
    /// Bilinear pooling: output (i, j) is the sum of the votes at pixels (y, x) weighted by rows[y, i]·columns[x, j],
    /// the matrices of <see cref="PoolingWeights"/>. [N, C, H, W] → [N, C, rows, columns].
    /// </summary>
    /// <remarks>Two products with banded matrices: exact, differentiable and the same on every device.</remarks>
    public static Tensor PoolAt(Tensor votes, Tensor rows, Tensor columns) => rows.t().matmul(votes.matmul(columns));

    /// <summary>
    /// [pixels, centres]: the triangular weight max(0, 1 − |p − c| / size) of each pixel p for each centre c.
    /// </summary>
    public static Tensor PoolingWeights(long pixels, IReadOnlyList<double> centres, int size, ScalarType type, Device device)
    {
        var weights = new double[pixels * centres.Count];
        for (long p = 0; p < pixels; p++)
            for (int c = 0; c < centres.Count; c++)
                weights[p * centres.Count + c] = Math.Max(0, 1 - Math.Abs(p - centres[c]) / size);
        return tensor(weights, [pixels, centres.Count], dtype: type, device: device);
    }
}
