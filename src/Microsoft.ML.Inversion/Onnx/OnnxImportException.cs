namespace Microsoft.ML.Inversion.Onnx;

/// <summary>
/// Thrown when an ONNX file cannot be turned into a TorchSharp module: the file is not ONNX or is truncated, the
/// graph is malformed (no opset, a cycle, a value nothing produces, a weight or tensor whose header and data
/// disagree, a shape over <see cref="OnnxGraphModule.MaxTensorElements"/>), or it uses an operator, attribute or
/// tensor type this importer does not support. The message names the file, and where it applies the node or
/// tensor and what was expected.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception with a message that says what went wrong and where.</summary>
    public OnnxImportException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public OnnxImportException(string message, Exception inner) : base(message, inner) { }
}
