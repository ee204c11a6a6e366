namespace Microsoft.ML.Inversion.Tool.CommandLine;

/// <summary>A command-line mistake: printed as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
