using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>Activations and arithmetic with NumPy broadcasting (and the legacy broadcast/axis attributes).</summary>
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

    public static Tensor[] Add(OnnxNode node, Tensor?[] inputs) => Binary(node, inputs, (a, b) => a + b);

    public static Tensor[] Sub(OnnxNode node, Tensor?[] inputs) => Binary(node, inputs, (a, b) => a - b);

    public static Tensor[] Mul(OnnxNode node, Tensor?[] inputs) => Binary(node, inputs, (a, b) => a * b);

    public static Tensor[] Div(OnnxNode node, Tensor?[] inputs) => Binary(node, inputs, (a, b) => a / b);

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
