using Microsoft.ML.Inversion.Onnx.Operators;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>The ONNX operators (default domain, opsets 7–17) the importer can execute.</summary>
public static class OnnxOperators
{
    internal static readonly IReadOnlyDictionary<string, OnnxOperator> Implementations = new Dictionary<string, OnnxOperator>
    {
        ["Conv"] = LinearOperators.Conv,
        ["Gemm"] = LinearOperators.Gemm,
        ["MatMul"] = LinearOperators.MatMul,
        ["BatchNormalization"] = NormalizationOperators.BatchNormalization,
        ["LRN"] = NormalizationOperators.Lrn,
        ["Softmax"] = NormalizationOperators.Softmax,
        ["MaxPool"] = PoolingOperators.MaxPool,
        ["AveragePool"] = PoolingOperators.AveragePool,
        ["GlobalAveragePool"] = PoolingOperators.GlobalAveragePool,
        ["GlobalMaxPool"] = PoolingOperators.GlobalMaxPool,
        ["Relu"] = ElementwiseOperators.Relu,
        ["LeakyRelu"] = ElementwiseOperators.LeakyRelu,
        ["Sigmoid"] = ElementwiseOperators.Sigmoid,
        ["Tanh"] = ElementwiseOperators.Tanh,
        ["Clip"] = ElementwiseOperators.Clip,
        ["Add"] = ElementwiseOperators.Add,
        ["Sub"] = ElementwiseOperators.Sub,
        ["Mul"] = ElementwiseOperators.Mul,
        ["Div"] = ElementwiseOperators.Div,
        ["Sum"] = ElementwiseOperators.Sum,
        ["Flatten"] = ShapeOperators.Flatten,
        ["Reshape"] = ShapeOperators.Reshape,
        ["Transpose"] = ShapeOperators.Transpose,
        ["Concat"] = ShapeOperators.Concat,
        ["Split"] = ShapeOperators.Split,
        ["Slice"] = ShapeOperators.Slice,
        ["Pad"] = ShapeOperators.Pad,
        ["Squeeze"] = ShapeOperators.Squeeze,
        ["Unsqueeze"] = ShapeOperators.Unsqueeze,
        ["Shape"] = ShapeOperators.Shape,
        ["Gather"] = ShapeOperators.Gather,
        ["ConstantOfShape"] = ShapeOperators.ConstantOfShape,
        ["Expand"] = ShapeOperators.Expand,
        ["Cast"] = ShapeOperators.Cast,
        ["Identity"] = ShapeOperators.Identity,
        ["Dropout"] = ShapeOperators.Dropout,
    };

    /// <summary>The implementation a node runs under one call's settings (a ReLU leak turns Relu into LeakyRelu).</summary>
    internal static OnnxOperator For(string opType, OnnxExecutionSettings settings) =>
        opType == "Relu" && settings.ReluLeak > 0 ? ElementwiseOperators.LeakyReluFor(settings.ReluLeak) : Implementations[opType];

    /// <summary>
    /// Every supported operator name, sorted. <c>Constant</c> is among them: constant nodes are folded into
    /// the module's buffers when the file is loaded.
    /// </summary>
    public static IReadOnlyList<string> Supported { get; } =
        Implementations.Keys.Append("Constant").Order(StringComparer.Ordinal).ToArray();
}
