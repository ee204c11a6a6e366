using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Representations;

/// <summary>
/// The pooling matrices of one feature module, made once per image size, type and device rather than at every
/// forward pass (an optimisation runs thousands of them at one size). Disposed with the module.
/// </summary>
internal sealed class PoolingWeightCache : IDisposable
{
    private readonly ConcurrentDictionary<(long Height, long Width, ScalarType Type, string Device), (Tensor Rows, Tensor Columns)> _weights = new();
    private readonly Func<long, double[]> _centres;
    private readonly int _size;

    /// <param name="centres">The pooling centres along a side of the given length.</param>
    /// <param name="size">The half-width of the triangular weights, in pixels.</param>
    public PoolingWeightCache(Func<long, double[]> centres, int size)
    {
        _centres = centres;
        _size = size;
    }

    /// <summary>The row and column matrices for votes shaped like <paramref name="votes"/>.</summary>
    public (Tensor Rows, Tensor Columns) For(Tensor votes)
    {
        long height = votes.shape[2], width = votes.shape[3];
        return _weights.GetOrAdd((height, width, votes.dtype, votes.device.ToString()), key =>
        {
            Tensor rows = GradientHistograms.PoolingWeights(height, _centres(height), _size, key.Type, votes.device).DetachFromDisposeScope();
            Tensor columns = GradientHistograms.PoolingWeights(width, _centres(width), _size, key.Type, votes.device).DetachFromDisposeScope();
            return (rows, columns);
        });
    }

    public void Dispose()
    {
        foreach (var (rows, columns) in _weights.Values)
        {
            rows.Dispose();
            columns.Dispose();
        }
        _weights.Clear();
    }
}
