using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>
/// Activations, unary functions and arithmetic with NumPy broadcasting (and the legacy broadcast/axis attributes).
/// </summary>
internal static class ElementwiseOperators
{
    public static Tensor[] Relu(OnnxNode node, Tensor?[] inputs) => [F.relu(inputs.Required(node, 0))];

    /// <summary>Relu run as a leaky ReLU with the given slope (see <see cref="OnnxExecutionSettings.ReluLeak"/>).</summary>
    public static OnnxOperator LeakyReluFor(double slope) => (node, inputs) => [F.leaky_relu(inputs.Required(node, 0), slope)];

    public static Tensor[] LeakyRelu(OnnxNode node, Tensor?[] inputs) =>
        [F.leaky_relu(inputs.Required(node, 0), node.Float("alpha", 0.01f))];

    public static Tensor[] Sigmoid(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).sigmoid()];

    public static Tensor[] Tanh(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).tanh()];

    public static Tensor[] Clip(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        double? min, max;
        if (node.Opset >= 11)
        {
            min = inputs.Optional(1) is { } lo ? OperatorHelpers.Scalar(lo) : null;
            max = inputs.Optional(2) is { } hi ? OperatorHelpers.Scalar(hi) : null;
        }
        else
        {
            min = node.HasAttribute("min") ? node.Float("min", 0) : null;
            max = node.HasAttribute("max") ? node.Float("max", 0) : null;
        }
        return [x.clamp(min, max)];
    }

    public static Tensor[] HardSigmoid(OnnxNode node, Tensor?[] inputs) =>
        [(inputs.Required(node, 0) * node.Float("alpha", 0.2f) + node.Float("beta", 0.5f)).clamp(0.0, 1.0)];

    /// <summary>x · max(0, min(1, x/6 + 1/2)) as ONNX defines it: libtorch's hardswish, the same function in one pass.</summary>
    public static Tensor[] HardSwish(OnnxNode node, Tensor?[] inputs) => [F.hardswish(inputs.Required(node, 0))];

    public static Tensor[] Erf(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).erf()];

    /// <summary>x · sigmoid(x), one pass (a fusion the importer makes; not an ONNX operator before opset 24).</summary>
    public static Tensor[] Silu(OnnxNode node, Tensor?[] inputs) => [F.silu(inputs.Required(node, 0))];

    /// <summary>Gelu (opset 20): exact, x·Φ(x), or the tanh approximation.</summary>
    public static Tensor[] Gelu(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        string approximate = node.String("approximate", "none");
        return approximate switch
        {
            "none" => [F.gelu(x)],
            "tanh" => [F.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh)],
            _ => throw node.Error($"approximate '{approximate}' is not one of none, tanh."),
        };
    }

    public static Tensor[] Softplus(OnnxNode node, Tensor?[] inputs) => [F.softplus(inputs.Required(node, 0))];

    public static Tensor[] Softsign(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        return [x / (x.abs() + 1)];
    }

    public static Tensor[] Elu(OnnxNode node, Tensor?[] inputs) => [F.elu(inputs.Required(node, 0), node.Float("alpha", 1f))];

    public static Tensor[] Selu(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        double alpha = node.Float("alpha", 1.67326319217681884765625f), gamma = node.Float("gamma", 1.05070102214813232421875f);
        return [where(x > 0, x, (x.exp() - 1) * alpha) * gamma];
    }

    public static Tensor[] Mish(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        return [x * F.softplus(x).tanh()];
    }

    public static Tensor[] Neg(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).neg()];

    public static Tensor[] Abs(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).abs()];

    public static Tensor[] Sqrt(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).sqrt()];

    public static Tensor[] Reciprocal(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).reciprocal()];

    public static Tensor[] Exp(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).exp()];

    public static Tensor[] Log(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).log()];

    public static Tensor[] Floor(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).floor()];

    public static Tensor[] Ceil(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).ceil()];

    /// <summary>Pow: the result has the base's type, whatever the exponent's (an integer exponent is common).</summary>
    public static Tensor[] Pow(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0), y = inputs.Required(node, 1);
        return [x.pow(y.dtype == x.dtype || !x.is_floating_point() ? y : y.to_type(x.dtype))];
    }

    /// <summary>Mod: fmod=0 (integers) takes the divisor's sign, as Python's %; fmod=1 the dividend's, as C's fmod.</summary>
    public static Tensor[] Mod(OnnxNode node, Tensor?[] inputs)
    {
        Tensor a = inputs.Required(node, 0), b = inputs.Required(node, 1);
        return [node.Int("fmod", 0) != 0 ? a.fmod(b) : a.remainder(b)];
    }

    public static Tensor[] Max(OnnxNode node, Tensor?[] inputs) => Variadic(node, inputs, maximum);

    public static Tensor[] Min(OnnxNode node, Tensor?[] inputs) => Variadic(node, inputs, minimum);

    public static Tensor[] Mean(OnnxNode node, Tensor?[] inputs)
    {
        Tensor total = Sum(node, inputs)[0];
        return [inputs.Length == 1 ? total : total / inputs.Length];
    }

    private static Tensor[] Variadic(OnnxNode node, Tensor?[] inputs, Func<Tensor, Tensor, Tensor> op)
    {
        Tensor result = inputs.Required(node, 0);
        for (int i = 1; i < inputs.Length; i++)
            result = op(result, inputs.Required(node, i));
        return [inputs.Length == 1 ? result.alias() : result];
    }

    public static Tensor[] Add(OnnxNode node, Tensor?[] inputs) => Binary(node, inputs, (a, b) => a + b);

    public static Tensor[] Sub(OnnxNode node, Tensor?[] inputs) => Binary(node, inputs, (a, b) => a - b);

    public static Tensor[] Mul(OnnxNode node, Tensor?[] inputs) => Binary(node, inputs, (a, b) => a * b);

    /// <summary>Div: integer tensors (shape arithmetic) divide with truncation, as ONNX defines; torch's / would give floats.</summary>
    public static Tensor[] Div(OnnxNode node, Tensor?[] inputs) =>
        Binary(node, inputs, (a, b) => a.is_floating_point() || b.is_floating_point() ? a / b : a.div(b, RoundingMode.trunc));

    public static Tensor[] Sum(OnnxNode node, Tensor?[] inputs)
    {
        Tensor total = inputs.Required(node, 0);
        for (int i = 1; i < inputs.Length; i++)
            total = total + inputs.Required(node, i);
        return [inputs.Length == 1 ? total.alias() : total];
    }

    private static Tensor[] Binary(OnnxNode node, Tensor?[] inputs, Func<Tensor, Tensor, Tensor> op)
    {
        Tensor a = inputs.Required(node, 0), b = inputs.Required(node, 1);
        // Opsets before 7 broadcast B onto A starting at 'axis' when broadcast=1.
        if (node.Opset < 7 && node.Int("broadcast", 0) != 0 && b.dim() < a.dim())
        {
            long axis = node.HasAttribute("axis") ? OperatorHelpers.Axis(node.Int("axis", 0), a.dim()) : a.dim() - b.dim();
            long[] shape = Enumerable.Repeat(1L, (int)a.dim()).ToArray();
            for (int d = 0; d < b.dim(); d++)
                shape[axis + d] = b.shape[d];
            b = b.reshape(shape);
        }
        return [op(a, b)];
    }
}
