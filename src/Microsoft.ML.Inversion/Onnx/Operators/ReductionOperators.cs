using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>
/// ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceL1, ReduceL2, ReduceSumSquare and ReduceLogSumExp. The axes
/// are an attribute before opset 18 (before 13 for ReduceSum) and an optional second input after; both forms are
/// read wherever they appear. No axes reduces every dimension, unless noop_with_empty_axes asks for the identity.
/// </summary>
internal static class ReductionOperators
{
    public static Tensor[] ReduceMean(OnnxNode node, Tensor?[] inputs) => Reduce(node, inputs, (x, axes, keep) => x.mean(axes, keep));

    public static Tensor[] ReduceSum(OnnxNode node, Tensor?[] inputs) => Reduce(node, inputs, (x, axes, keep) => x.sum(axes, keep));

    public static Tensor[] ReduceMax(OnnxNode node, Tensor?[] inputs) => Reduce(node, inputs, (x, axes, keep) => x.amax(axes, keep));

    public static Tensor[] ReduceMin(OnnxNode node, Tensor?[] inputs) => Reduce(node, inputs, (x, axes, keep) => x.amin(axes, keep));

    public static Tensor[] ReduceL1(OnnxNode node, Tensor?[] inputs) => Reduce(node, inputs, (x, axes, keep) => x.abs().sum(axes, keep));

    /// <summary>The Euclidean norm; its gradient at an all-zero slice is 0 (linalg.vector_norm), never NaN.</summary>
    public static Tensor[] ReduceL2(OnnxNode node, Tensor?[] inputs) =>
        Reduce(node, inputs, (x, axes, keep) => linalg.vector_norm(x, 2, axes, keep));

    public static Tensor[] ReduceSumSquare(OnnxNode node, Tensor?[] inputs) => Reduce(node, inputs, (x, axes, keep) => x.square().sum(axes, keep));

    public static Tensor[] ReduceLogSumExp(OnnxNode node, Tensor?[] inputs) =>
        Reduce(node, inputs, (x, axes, keep) => axes.Aggregate(x, (t, a) => t.logsumexp(a, true)).reshape(ReducedShape(x.shape, axes, keep)));

    private static long[] ReducedShape(long[] shape, long[] axes, bool keep) =>
        keep ? shape.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray() : shape.Where((_, i) => !axes.Contains(i)).ToArray();

    private static Tensor[] Reduce(OnnxNode node, Tensor?[] inputs, Func<Tensor, long[], bool, Tensor> reduce)
    {
        Tensor x = inputs.Required(node, 0);
        long rank = x.dim();
        long[]? axes = node.Ints("axes") ?? (inputs.Optional(1) is { } axesInput ? OperatorHelpers.Longs(axesInput) : null);
        bool keep = node.Int("keepdims", 1) != 0;
        if (axes is null || axes.Length == 0)
        {
            if (node.Int("noop_with_empty_axes", 0) != 0)
                return [x.alias()];
            axes = Enumerable.Range(0, (int)rank).Select(d => (long)d).ToArray();
        }
        long[] resolved = axes.Select(a => OperatorHelpers.Axis(a, rank)).Distinct().Order().ToArray();
        if (resolved.Any(a => a < 0 || a >= rank))
            throw node.Error($"axes [{string.Join(", ", axes)}] do not fit an input of rank {rank}.");
        if (resolved.Length == 0)
            return [x.alias()];
        return [reduce(x, resolved, keep)];
    }
}
