using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Objectives;

/// <summary>
/// Tensors an objective derives once per optimisation run from what does not change between steps (the target
/// Φ0, the canvas size) and reuses at every step, such as the gains of a Φ0-guided total variation. Entries live
/// outside the steps' dispose scopes; the loop that owns the cache disposes them when the run ends.
/// </summary>
public sealed class ObjectiveCache : IDisposable
{
    private readonly Dictionary<object, Tensor?> _entries = [];

    /// <summary>The tensor stored under <paramref name="key"/>, created by <paramref name="create"/> on first use (null is stored too).</summary>
    /// <param name="key">A value-equal key that names everything the tensor depends on besides the run's target.</param>
    /// <param name="create">Computes the tensor; called at most once per key.</param>
    public Tensor? GetOrAdd(object key, Func<Tensor?> create)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_entries.TryGetValue(key, out Tensor? tensor))
        {
            tensor = create()?.DetachFromDisposeScope();
            _entries[key] = tensor;
        }
        return tensor;
    }

    private bool _disposed;

    /// <summary>Disposes every stored tensor.</summary>
    public void Dispose()
    {
        foreach (Tensor? tensor in _entries.Values)
            tensor?.Dispose();
        _entries.Clear();
        _disposed = true;
    }
}
