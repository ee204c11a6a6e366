using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>Small pieces the operator implementations share.</summary>
internal static class OperatorHelpers
{
    public static Tensor Required(this Tensor?[] inputs, OnnxNode node, int index) =>
        index < inputs.Length && inputs[index] is { } t ? t : throw node.Error($"input {index} is required but missing.");

    public static Tensor? Optional(this Tensor?[] inputs, int index) => index < inputs.Length ? inputs[index] : null;

    /// <summary>The values of a small integer tensor (shapes, axes, pads), read on the CPU.</summary>
    public static long[] Longs(Tensor t)
    {
        using var cpu = t.cpu().to_type(ScalarType.Int64);
        return cpu.data<long>().ToArray();
    }

    public static double Scalar(Tensor t)
    {
        using var cpu = t.cpu().to_type(ScalarType.Float64);
        return cpu.data<double>()[0];
    }

    /// <summary>Turns a possibly negative ONNX axis into a dimension index.</summary>
    public static long Axis(long axis, long rank) => axis < 0 ? axis + rank : axis;

    public static Tensor[] One(Tensor t) => [t];

    /// <summary>
    /// Refuses, before anything is allocated, a shape with a negative size or more than
    /// <see cref="OnnxGraphModule.MaxTensorElements"/> elements.
    /// </summary>
    public static long[] WithinLimit(this OnnxNode node, long[] shape, string what)
    {
        string dims = string.Join(", ", shape);
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
                throw node.Error($"{what} [{dims}] has a negative size.");
            if (d > 0 && count > OnnxGraphModule.MaxTensorElements / d)
                throw node.Error($"{what} [{dims}] has more than {OnnxGraphModule.MaxTensorElements} elements, the importer's limit; nothing was allocated.");
            count *= d;
        }
        return shape;
    }
}
