using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Optimizers;

/// <summary>
/// Updates the parameterisation's tensors from their gradients. State is kept per parameter tensor and per
/// element, so each image of a batch is optimised exactly as it would be alone.
/// </summary>
public abstract class InversionOptimizer : IDisposable
{
    private readonly Dictionary<Tensor, Tensor[]> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Takes one step on every parameter that has a gradient, then clears the gradients.</summary>
    /// <param name="parameters">Leaf tensors with gradients.</param>
    /// <param name="learningRate">The step size for this iteration (the schedule's rate).</param>
    public void Step(IReadOnlyList<Tensor> parameters, double learningRate)
    {
        StepCount++;
        using var noGrad = no_grad();
        foreach (Tensor p in parameters)
        {
            if (p.grad is not { } gradient)
                continue;
            if (!_state.TryGetValue(p, out Tensor[]? state))
            {
                state = CreateState(p);
                foreach (Tensor s in state)
                    s.DetachFromDisposeScope();
                _state[p] = state;
            }
            using var scope = NewDisposeScope();
            Update(p, gradient, state, learningRate);
            gradient.zero_();
        }
    }

    /// <summary>How many steps have been taken (1 during the first update).</summary>
    protected long StepCount { get; private set; }

    /// <summary>Forgets momentum (the papers' code does this whenever the learning rate changes).</summary>
    public virtual void ResetMomentum()
    {
    }

    /// <summary>The state tensors (zeros) this optimiser keeps for one parameter.</summary>
    protected abstract Tensor[] CreateState(Tensor parameter);

    /// <summary>Updates <paramref name="parameter"/> in place.</summary>
    protected abstract void Update(Tensor parameter, Tensor gradient, Tensor[] state, double learningRate);

    /// <summary>All state tensors, for resets.</summary>
    protected IEnumerable<Tensor[]> States => _state.Values;

    /// <summary>Releases the state.</summary>
    public void Dispose()
    {
        foreach (var state in _state.Values)
            foreach (Tensor s in state)
                s.Dispose();
        _state.Clear();
        GC.SuppressFinalize(this);
    }
}
