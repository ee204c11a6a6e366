using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>Reads ONNX <see cref="TensorProto"/> values into TorchSharp tensors.</summary>
internal static class OnnxTensorConverter
{
    private const int Float = 1, Uint8 = 2, Int8 = 3, Int32 = 6, Int64 = 7, Bool = 9, Double = 11;

    /// <summary>
    /// Converts an ONNX tensor. Floating-point data becomes <paramref name="floatType"/>; integers stay int64
    /// (they only ever describe shapes, axes and indices in image CNNs).
    /// </summary>
    public static Tensor ToTensor(TensorProto proto, ScalarType floatType)
    {
        long[] shape = proto.Dims.ToArray();
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
            case Int8:
            case Uint8:
            case Bool:
                {
                    long[] values = raw
                        ? proto.RawData.Span.ToArray().Select(b => proto.DataType == Int8 ? (long)(sbyte)b : b).ToArray()
                        : proto.Int32Data.Select(v => (long)v).ToArray();
                    return tensor(values, shape);
                }
            default:
                throw new OnnxImportException($"tensor '{proto.Name}' has ONNX data type {proto.DataType}, which this importer does not read (float, double, int8/32/64, uint8 and bool are supported).");
        }
    }

    private static T[] FromRaw<T>(ByteString bytes) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes.Span).ToArray();
}
