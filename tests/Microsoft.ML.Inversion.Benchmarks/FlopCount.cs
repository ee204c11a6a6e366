using Microsoft.ML.Inversion.Backbones;
using Onnx;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>
/// Forward FLOPs of each Conv/Gemm/MatMul node of an ONNX backbone, counted from the weight shapes in the file and
/// the output shapes the backbone reports: 2 · output elements · (input channels / group) · kernel area.
/// </summary>
internal sealed class FlopCount
{
    private readonly Dictionary<string, double> _byNode;

    private FlopCount(Dictionary<string, double> byNode) => _byNode = byNode;

    public static FlopCount ForwardFlops(OnnxBackbone backbone, int height, int width)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(backbone.Graph.SourcePath));
        var weights = model.Graph.Initializer.ToDictionary(i => i.Name, i => i.Dims.ToArray());
        var shapes = backbone.DescribeLayers(height, width).ToDictionary(l => l.Name, l => l.Shape);
        var byNode = new Dictionary<string, double>();
        foreach (var node in model.Graph.Node)
        {
            if (node.Output.Count == 0 || !shapes.TryGetValue(node.Output[0], out var outShape))
                continue;
            double outputs = outShape.Aggregate(1.0, (p, d) => p * d);
            if (node.OpType == "Conv" && weights.TryGetValue(node.Input[1], out long[]? w))
                byNode[node.Name] = 2 * outputs * w[1] * w[2] * w[3];
            else if (node.OpType is "Gemm" or "MatMul" && weights.TryGetValue(node.Input[1], out long[]? m))
                byNode[node.Name] = 2 * outputs * m[0];
        }
        return new FlopCount(byNode);
    }

    /// <summary>The forward FLOPs of the nodes computing <paramref name="layer"/> needs.</summary>
    public double Needed(OnnxBackbone backbone, string layer) =>
        backbone.Graph.NodesNeededFor(layer).Sum(n => _byNode.GetValueOrDefault(n));
}
