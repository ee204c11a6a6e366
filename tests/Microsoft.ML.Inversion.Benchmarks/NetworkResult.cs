namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>What the network benchmark found for one network: import, agreement with ONNX Runtime, gradient.</summary>
/// <param name="Name">The TorchVision architecture.</param>
/// <param name="Opset">The opset of its file; 0 where none was exported.</param>
/// <param name="Failure">Why it was not imported or run ("not exported: …", "fails: …"); null where it ran.</param>
/// <param name="RelativeError">‖ours − ONNX Runtime‖ / ‖ONNX Runtime‖ on the final output at batch 1; null where not measured.</param>
/// <param name="GradientOk">Whether the input gradient from the mid-graph value is finite and not all zero; null where not measured.</param>
/// <param name="Notes">Anything else worth a reader's attention (the opset fallback, the gradient's size, a failing step).</param>
/// <param name="OursAgainstFloat64">Our float32 output's relative L2 error against the same graph imported and run in float64, on the same input; null where not measured.</param>
/// <param name="OnnxRuntimeAgainstFloat64">ONNX Runtime's (float32) output against that float64 run; null where not measured.</param>
internal sealed record NetworkResult(string Name, long Opset, string? Failure, double? RelativeError, bool? GradientOk, IReadOnlyList<string> Notes,
    double? OursAgainstFloat64 = null, double? OnnxRuntimeAgainstFloat64 = null)
{
    /// <summary>Whether the network imported and matched ONNX Runtime below <see cref="NetworkBenchmark.Tolerance"/>.</summary>
    public bool Matched => Failure is null && RelativeError < NetworkBenchmark.Tolerance;
}
