using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// A backbone around any TorchSharp <c>nn.Module&lt;Tensor, Tensor&gt;</c> with named children. Layers are
/// addressed by module path (<c>features.8</c>, <c>layer3</c>, <c>layer3.1.conv2</c>); a forward hook captures
/// the output and stops the forward pass there, so nothing after the layer runs.
/// </summary>
/// <remarks>
/// A submodule that runs more than once per forward pass (TorchVision's BasicBlock calls its <c>relu</c> twice)
/// is captured at its first call. Captured outputs of earlier layers are cloned, so in-place operations later in
/// the network cannot overwrite them.
/// </remarks>
public sealed class TorchModuleBackbone : Backbone
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly Dictionary<string, nn.Module<Tensor, Tensor>> _layers;
    private readonly (string Name, string Operator)[] _layerNames;

    /// <summary>Wraps a module: freezes its parameters, puts it in eval mode and moves it to the device.</summary>
    /// <param name="module">The network; the backbone takes ownership.</param>
    /// <param name="preprocessing">How RGB images become its input; the backbone takes ownership.</param>
    /// <param name="name">A display name.</param>
    /// <param name="device">Where to run (default CPU).</param>
    /// <param name="inputSize">The square input size the network was trained at.</param>
    /// <param name="aliases">Readable names for module paths.</param>
    /// <param name="typicalPixelNorm">Typical pixel colour norm in network input units (the papers' B); default
    /// about 1.7 for unit-variance channels.</param>
    public TorchModuleBackbone(nn.Module<Tensor, Tensor> module, ImagePreprocessing? preprocessing = null, string? name = null,
        Device? device = null, int inputSize = 224, IReadOnlyDictionary<string, string>? aliases = null, double typicalPixelNorm = 1.7)
        : base(name ?? module.GetName(), preprocessing ?? ImagePreprocessing.ImageNet(), inputSize, inputSize, device ?? CPU, aliases, typicalPixelNorm)
    {
        _module = module;
        _module.to(Device);
        _module.eval();
        foreach (var parameter in _module.parameters())
            parameter.requires_grad_(false);
        _layers = _module.named_modules()
            .Where(m => m.name.Length > 0 && m.module is nn.Module<Tensor, Tensor>)
            .ToDictionary(m => m.name, m => (nn.Module<Tensor, Tensor>)m.module, StringComparer.Ordinal);
        _layerNames = _layers.Select(l => (l.Key, l.Value.GetType().Name)).ToArray();
        foreach (var (alias, target) in Aliases)
            if (!_layers.ContainsKey(target))
                throw new ArgumentException($"Alias '{alias}' points to '{target}', which is not a submodule of '{Name}'.", nameof(aliases));
    }

    /// <summary>The wrapped network.</summary>
    public nn.Module<Tensor, Tensor> Module => _module;

    /// <inheritdoc />
    protected override IReadOnlyList<(string Name, string Operator)> LayerNames => _layerNames;

    /// <inheritdoc />
    /// <remarks>A container module's output comes after its children's.</remarks>
    protected override int OutputPosition(string canonical) =>
        Array.FindLastIndex(_layerNames, l => l.Name == canonical || l.Name.StartsWith(canonical + ".", StringComparison.Ordinal));

    /// <inheritdoc />
    protected override Tensor[] ForwardCore(Tensor networkInput, IReadOnlyList<string> layers, ExecutionSettings execution)
    {
        var captured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var wanted = layers.Distinct().ToArray();
        var removers = new List<Action>();
        try
        {
            foreach (string layer in wanted)
            {
                var remover = _layers[layer].register_forward_hook((_, _, output) =>
                {
                    if (!captured.ContainsKey(layer))
                    {
                        bool last = captured.Count == wanted.Length - 1;
                        // Modules may run inside their own dispose scope, which the stop unwinds: keep the
                        // capture out of every scope until it is handed back to the caller's.
                        captured[layer] = (last ? output.alias() : output.clone()).DetachFromDisposeScope();
                        if (last)
                            throw new StopForwardException();
                    }
                    return output;
                });
                removers.Add(remover.remove);
            }
            try
            {
                using Tensor _ = _module.call(networkInput);
            }
            catch (StopForwardException)
            {
                // The last requested layer has run; the rest of the network is skipped on purpose.
            }
        }
        finally
        {
            foreach (var remover in removers)
                remover();
        }
        try
        {
            foreach (string layer in wanted)
                if (!captured.ContainsKey(layer))
                    throw new InvalidOperationException($"Layer '{layer}' of '{Name}' did not run during the forward pass; it cannot be inverted.");
            // alias() registers a new handle in the caller's current dispose scope.
            return layers.Select(l => captured[l].alias()).ToArray();
        }
        finally
        {
            foreach (Tensor t in captured.Values)
                t.Dispose();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _module.Dispose();
        base.Dispose(disposing);
    }

    private sealed class StopForwardException : Exception;
}
