namespace Inversion.Cluster;

/// <summary>A mistake on the command line or in its inputs: printed as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
