using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>Reads ONNX <see cref="TensorProto"/> values into TorchSharp tensors.</summary>
internal static class OnnxTensorConverter
{
    private const int Float = 1, Uint8 = 2, Int8 = 3, Int32 = 6, Int64 = 7, Bool = 9, Double = 11;

    /// <summary>
    /// Converts an ONNX tensor. Floating-point data becomes <paramref name="floatType"/>; integers stay int64
    /// (they only ever describe shapes, axes and indices in image CNNs). The declared dims are checked against
    /// the data before anything is allocated.
    /// </summary>
    public static Tensor ToTensor(TensorProto proto, ScalarType floatType)
    {
        long[] shape = CheckedShape(proto);
        bool raw = proto.RawData.Length > 0;
        switch (proto.DataType)
        {
            case Float:
                {
                    float[] values = raw ? FromRaw<float>(proto.RawData) : proto.FloatData.ToArray();
                    return tensor(values, shape).to_type(floatType);
                }
            case Double:
                {
                    double[] values = raw ? FromRaw<double>(proto.RawData) : proto.DoubleData.ToArray();
                    return tensor(values, shape).to_type(floatType);
                }
            case Int64:
                return tensor(raw ? FromRaw<long>(proto.RawData) : proto.Int64Data.ToArray(), shape);
            case Int32:
                {
                    int[] values = raw ? FromRaw<int>(proto.RawData) : proto.Int32Data.ToArray();
                    return tensor(values.Select(v => (long)v).ToArray(), shape);
                }
            default:
                {
                    long[] values = raw
                        ? proto.RawData.Span.ToArray().Select(b => proto.DataType == Int8 ? (long)(sbyte)b : b).ToArray()
                        : proto.Int32Data.Select(v => (long)v).ToArray();
                    return tensor(values, shape);
                }
        }
    }

    /// <summary>
    /// The tensor's dims, after checking that its type is readable, its data is stored in the file, every dim is
    /// non-negative, their product fits in a long and the data holds exactly that many values.
    /// </summary>
    private static long[] CheckedShape(TensorProto proto)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
            throw Error(proto, "stores its data outside the model file (data_location = EXTERNAL), which was not read here; load the model with OnnxGraphModule.Load or OnnxBackbone.Load, which read it from the model's folder.");
        int elementSize = ElementSize(proto);
        long[] shape = proto.Dims.ToArray();
        if (shape.Any(d => d < 0))
            throw Error(proto, $"has negative dims [{string.Join(", ", shape)}]; every dim must be 0 or more.");
        long declared = 1;
        foreach (long d in shape)
            if (!TryMultiply(declared, d, out declared))
                throw Error(proto, $"declares dims [{string.Join(", ", shape)}], whose product overflows a 64-bit count of values.");
        long stored = StoredCount(proto, elementSize);
        if (stored != declared)
            throw Error(proto, $"declares dims [{string.Join(", ", shape)}] ({declared} values) but its data holds {stored} values.");
        return shape;
    }

    private static bool TryMultiply(long a, long b, out long product)
    {
        product = a * b;
        return b == 0 || a <= long.MaxValue / b;
    }

    private static long StoredCount(TensorProto proto, int elementSize)
    {
        if (proto.RawData.Length == 0)
            return proto.DataType switch
            {
                Float => proto.FloatData.Count,
                Double => proto.DoubleData.Count,
                Int64 => proto.Int64Data.Count,
                _ => proto.Int32Data.Count,
            };
        if (proto.RawData.Length % elementSize != 0)
            throw Error(proto, $"has {proto.RawData.Length} bytes of raw data, which is not a whole number of {elementSize}-byte values.");
        return proto.RawData.Length / elementSize;
    }

    private static int ElementSize(TensorProto proto) => proto.DataType switch
    {
        Float or Int32 => 4,
        Double or Int64 => 8,
        Int8 or Uint8 or Bool => 1,
        _ => throw Error(proto, $"has ONNX data type {proto.DataType}, which this importer does not read (float, double, int8/32/64, uint8 and bool are supported)."),
    };

    private static OnnxImportException Error(TensorProto proto, string what) => new($"tensor '{proto.Name}' {what}");

    private static T[] FromRaw<T>(ByteString bytes) where T : struct =>
        MemoryMarshal.Cast<byte, T>(bytes.Span).ToArray();
}
