using Microsoft.ML.Inversion.Backbones;

namespace Microsoft.ML.Inversion.Tool.Runs;

/// <summary>--list-layers: one line per layer with its operator, output shape at the input size and aliases.</summary>
internal static class LayerListing
{
    public static int Print(Backbone backbone)
    {
        foreach (var layer in backbone.DescribeLayers())
        {
            string aliases = layer.Aliases.Count > 0 ? $"  alias: {string.Join(", ", layer.Aliases)}" : "";
            Console.WriteLine($"{layer.Name,-32} {layer.Operator,-20} {string.Join("x", layer.Shape),-14}{aliases}");
        }
        return 0;
    }
}
