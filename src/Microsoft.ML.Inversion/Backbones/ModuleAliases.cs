namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// Readable layer names for graphs that PyTorch's exporter wrote: it names each node by the module that ran it
/// (<c>/encoder/layers/encoder_layer_5/Add_1</c>, <c>/features/features.1/features.1.0/Add</c>), so every module
/// becomes an alias in TorchVision's own dotted form (<c>encoder.layers.encoder_layer_5</c>, <c>features.1.0</c>, the
/// names <c>get_submodule</c> and feature extractors use) for the output of the last node it ran: a ViT or Swin
/// block, a ResNet stage, a ConvNeXt stage.
/// </summary>
internal static class ModuleAliases
{
    // Nodes whose outputs are shapes, indices or masks, never a module's result.
    private static readonly HashSet<string> NonFeatureOperators = new(StringComparer.Ordinal)
    {
        "Shape", "Size", "ConstantOfShape", "Range", "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual",
        "Not", "And", "Or", "Xor", "NonZero", "ArgMax", "ArgMin",
    };

    /// <summary>Module path → the output of the last node under it, for the nodes in execution order.</summary>
    public static Dictionary<string, string> Of(IEnumerable<(string Name, string Operator, IReadOnlyList<string> Outputs)> nodes)
    {
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, op, outputs) in nodes)
        {
            if (!name.StartsWith('/') || outputs.Count != 1 || NonFeatureOperators.Contains(op))
                continue;
            string[] scopes = name.Split('/', StringSplitOptions.RemoveEmptyEntries)[..^1];
            string path = "";
            foreach (string scope in scopes)
            {
                // The exporter writes a Sequential's children with their full path (features/features.1), other
                // modules with their own name (encoder/layers): both become TorchVision's dotted path.
                path = path.Length == 0 ? scope : scope.StartsWith(path + ".", StringComparison.Ordinal) ? scope : $"{path}.{scope}";
                aliases[path] = outputs[0];
            }
        }
        return aliases;
    }
}
