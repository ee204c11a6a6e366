using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>
/// Comparisons (Equal, Less, LessOrEqual, Greater, GreaterOrEqual), Not, And, Or, Xor and Where. Comparisons give
/// bool tensors; a condition stored as integers (the importer reads bool initializers as int64) counts as true
/// where it is non-zero.
/// </summary>
internal static class LogicalOperators
{
    public static Tensor[] Equal(OnnxNode node, Tensor?[] inputs) => Compare(node, inputs, (a, b) => a.eq(b));

    public static Tensor[] Less(OnnxNode node, Tensor?[] inputs) => Compare(node, inputs, (a, b) => a.lt(b));

    public static Tensor[] LessOrEqual(OnnxNode node, Tensor?[] inputs) => Compare(node, inputs, (a, b) => a.le(b));

    public static Tensor[] Greater(OnnxNode node, Tensor?[] inputs) => Compare(node, inputs, (a, b) => a.gt(b));

    public static Tensor[] GreaterOrEqual(OnnxNode node, Tensor?[] inputs) => Compare(node, inputs, (a, b) => a.ge(b));

    public static Tensor[] Not(OnnxNode node, Tensor?[] inputs) => [AsBool(inputs.Required(node, 0)).logical_not()];

    public static Tensor[] And(OnnxNode node, Tensor?[] inputs) =>
        [AsBool(inputs.Required(node, 0)).logical_and(AsBool(inputs.Required(node, 1)))];

    public static Tensor[] Or(OnnxNode node, Tensor?[] inputs) =>
        [AsBool(inputs.Required(node, 0)).logical_or(AsBool(inputs.Required(node, 1)))];

    public static Tensor[] Xor(OnnxNode node, Tensor?[] inputs) =>
        [AsBool(inputs.Required(node, 0)).logical_xor(AsBool(inputs.Required(node, 1)))];

    /// <summary>Where(condition, X, Y) with NumPy broadcasting; differentiable in X and Y.</summary>
    public static Tensor[] Where(OnnxNode node, Tensor?[] inputs)
    {
        Tensor condition = AsBool(inputs.Required(node, 0));
        Tensor x = inputs.Required(node, 1), y = inputs.Required(node, 2);
        if (x.dtype != y.dtype)
            (x, y) = x.is_floating_point() ? (x, y.to_type(x.dtype)) : (x.to_type(y.dtype), y);
        return [where(condition, x, y)];
    }

    private static Tensor[] Compare(OnnxNode node, Tensor?[] inputs, Func<Tensor, Tensor, Tensor> compare)
    {
        Tensor a = inputs.Required(node, 0), b = inputs.Required(node, 1);
        if (a.dtype == ScalarType.Bool && b.dtype != ScalarType.Bool)
            a = a.to_type(b.dtype);
        else if (b.dtype == ScalarType.Bool && a.dtype != ScalarType.Bool)
            b = b.to_type(a.dtype);
        return [compare(a, b)];
    }

    private static Tensor AsBool(Tensor t) => t.dtype == ScalarType.Bool ? t : t.ne(0);
}
