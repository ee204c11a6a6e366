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

    /// <summary>
    /// Whether a BatchNormalization that follows a convolution is folded into it (one convolution instead of two
    /// passes, forward and backward; the same function of the input). Default true; false runs the graph exactly
    /// as written, for comparison.
    /// </summary>
    public bool FoldBatchNormalization { get; set; } = true;

    /// <summary>
    /// Whether node groups that exporters write for one operation run as that operation: the decomposed
    /// LayerNormalization (nine nodes before opset 17) as one layer normalisation, the Erf form of GELU (five nodes)
    /// as one GELU, a MatMul by a constant matrix and its bias Add as one GEMM, x · sigmoid(x) as one SiLU and x · HardSigmoid(x) as
    /// one HardSwish. The same functions of the input, with
    /// far fewer passes over the tensor forward and backward (ViT, Swin and ConvNeXt have them in every block). Every
    /// intermediate value stays addressable. Default true; false runs the graph exactly as written, for comparison.
    /// </summary>
    public bool FuseOperators { get; set; } = true;
}
