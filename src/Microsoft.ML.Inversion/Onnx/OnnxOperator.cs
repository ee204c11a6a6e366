using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>
/// Runs one ONNX operator: takes the node (attributes, opset) and its inputs (null where an optional input is
/// left empty) and returns its outputs in order.
/// </summary>
internal delegate Tensor[] OnnxOperator(OnnxNode node, Tensor?[] inputs);
