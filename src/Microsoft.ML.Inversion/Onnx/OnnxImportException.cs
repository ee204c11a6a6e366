namespace Microsoft.ML.Inversion.Onnx;

/// <summary>
/// Thrown when an ONNX file cannot be turned into a TorchSharp module: the file is missing or not ONNX, the graph
/// uses an operator or attribute this importer does not support, or a tensor has a type it cannot read.
/// The message names the file, and where it applies the node and the operator.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception with a message that says what went wrong and where.</summary>
    public OnnxImportException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public OnnxImportException(string message, Exception inner) : base(message, inner) { }
}
