using Microsoft.ML.Inversion.Onnx.Operators;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>The ONNX operators (default domain, opsets 7–18) the importer can execute.</summary>
public static class OnnxOperators
{
    internal static readonly IReadOnlyDictionary<string, OnnxOperator> Implementations = new Dictionary<string, OnnxOperator>
    {
        ["Conv"] = LinearOperators.Conv,
        ["ConvTranspose"] = LinearOperators.ConvTranspose,
        ["Einsum"] = LinearOperators.Einsum,
        ["Gemm"] = LinearOperators.Gemm,
        ["MatMul"] = LinearOperators.MatMul,
        ["BatchNormalization"] = NormalizationOperators.BatchNormalization,
        ["LayerNormalization"] = NormalizationOperators.LayerNormalization,
        ["InstanceNormalization"] = NormalizationOperators.InstanceNormalization,
        ["LRN"] = NormalizationOperators.Lrn,
        ["Softmax"] = NormalizationOperators.Softmax,
        ["LogSoftmax"] = NormalizationOperators.LogSoftmax,
        ["ReduceMean"] = ReductionOperators.ReduceMean,
        ["ReduceSum"] = ReductionOperators.ReduceSum,
        ["ReduceMax"] = ReductionOperators.ReduceMax,
        ["ReduceMin"] = ReductionOperators.ReduceMin,
        ["ReduceL1"] = ReductionOperators.ReduceL1,
        ["ReduceL2"] = ReductionOperators.ReduceL2,
        ["ReduceSumSquare"] = ReductionOperators.ReduceSumSquare,
        ["ReduceLogSumExp"] = ReductionOperators.ReduceLogSumExp,
        ["Resize"] = ResizeOperators.Resize,
        ["Upsample"] = ResizeOperators.Upsample,
        ["MaxPool"] = PoolingOperators.MaxPool,
        ["AveragePool"] = PoolingOperators.AveragePool,
        ["GlobalAveragePool"] = PoolingOperators.GlobalAveragePool,
        ["GlobalMaxPool"] = PoolingOperators.GlobalMaxPool,
        ["Relu"] = ElementwiseOperators.Relu,
        ["LeakyRelu"] = ElementwiseOperators.LeakyRelu,
        ["Sigmoid"] = ElementwiseOperators.Sigmoid,
        ["Tanh"] = ElementwiseOperators.Tanh,
        ["Clip"] = ElementwiseOperators.Clip,
        ["HardSigmoid"] = ElementwiseOperators.HardSigmoid,
        ["HardSwish"] = ElementwiseOperators.HardSwish,
        ["Erf"] = ElementwiseOperators.Erf,
        ["Gelu"] = ElementwiseOperators.Gelu,
        ["Softplus"] = ElementwiseOperators.Softplus,
        ["Softsign"] = ElementwiseOperators.Softsign,
        ["Elu"] = ElementwiseOperators.Elu,
        ["Selu"] = ElementwiseOperators.Selu,
        ["Mish"] = ElementwiseOperators.Mish,
        ["Neg"] = ElementwiseOperators.Neg,
        ["Abs"] = ElementwiseOperators.Abs,
        ["Sqrt"] = ElementwiseOperators.Sqrt,
        ["Reciprocal"] = ElementwiseOperators.Reciprocal,
        ["Exp"] = ElementwiseOperators.Exp,
        ["Log"] = ElementwiseOperators.Log,
        ["Floor"] = ElementwiseOperators.Floor,
        ["Ceil"] = ElementwiseOperators.Ceil,
        ["Pow"] = ElementwiseOperators.Pow,
        ["Mod"] = ElementwiseOperators.Mod,
        ["Max"] = ElementwiseOperators.Max,
        ["Min"] = ElementwiseOperators.Min,
        ["Mean"] = ElementwiseOperators.Mean,
        ["Add"] = ElementwiseOperators.Add,
        ["Sub"] = ElementwiseOperators.Sub,
        ["Mul"] = ElementwiseOperators.Mul,
        ["Div"] = ElementwiseOperators.Div,
        ["Sum"] = ElementwiseOperators.Sum,
        ["Equal"] = LogicalOperators.Equal,
        ["Less"] = LogicalOperators.Less,
        ["LessOrEqual"] = LogicalOperators.LessOrEqual,
        ["Greater"] = LogicalOperators.Greater,
        ["GreaterOrEqual"] = LogicalOperators.GreaterOrEqual,
        ["Not"] = LogicalOperators.Not,
        ["And"] = LogicalOperators.And,
        ["Or"] = LogicalOperators.Or,
        ["Xor"] = LogicalOperators.Xor,
        ["Where"] = LogicalOperators.Where,
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
        ["Tile"] = ShapeOperators.Tile,
        ["Range"] = ShapeOperators.Range,
        ["ScatterND"] = ShapeOperators.ScatterND,
        ["Cast"] = ShapeOperators.Cast,
        ["Identity"] = ShapeOperators.Identity,
        ["Dropout"] = ShapeOperators.Dropout,
    };

    /// <summary>The implementation a node runs under one call's settings (a ReLU leak turns Relu into LeakyRelu; a layout limit makes Conv pick its layout).</summary>
    internal static OnnxOperator For(string opType, OnnxExecutionSettings settings) => opType switch
    {
        "Relu" when settings.ReluLeak > 0 => ElementwiseOperators.LeakyReluFor(settings.ReluLeak),
        "Conv" when settings.ChannelsLastMinimumArea > 0 => LinearOperators.ConvFor(settings.ChannelsLastMinimumArea),
        _ => Implementations.TryGetValue(opType, out OnnxOperator? implementation) ? implementation : FusedImplementations[opType],
    };

    /// <summary>Operators only the importer's own fused nodes use (see <c>Fusions/</c>); no ONNX file may name them.</summary>
    private static readonly IReadOnlyDictionary<string, OnnxOperator> FusedImplementations = new Dictionary<string, OnnxOperator>
    {
        [Fusions.MatMulBiasFusion.OpType] = LinearOperators.MatMulAdd,
        [Fusions.SwishFusion.SiluOpType] = ElementwiseOperators.Silu,
    };

    /// <summary>
    /// Every supported operator name, sorted. <c>Constant</c> is among them: constant nodes are folded into
    /// the module's buffers when the file is loaded.
    /// </summary>
    public static IReadOnlyList<string> Supported { get; } =
        Implementations.Keys.Append("Constant").Order(StringComparer.Ordinal).ToArray();
}
