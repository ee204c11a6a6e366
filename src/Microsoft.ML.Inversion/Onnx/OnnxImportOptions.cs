using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>How an ONNX file is turned into a TorchSharp module.</summary>
public sealed class OnnxImportOptions
{
    /// <summary>The device the weights are placed on. Default: the CPU.</summary>
    public Device? Device { get; set; }

    /// <summary>
    /// The floating-point type of weights and computation. Default float32; float64 is useful for gradient checks.
    /// </summary>
    public ScalarType FloatType { get; set; } = ScalarType.Float32;
}
