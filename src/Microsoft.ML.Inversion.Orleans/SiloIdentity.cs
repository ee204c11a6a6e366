namespace Microsoft.ML.Inversion.Orleans;

/// <summary>The local silo's name and process, as workers and the job grain report them.</summary>
/// <param name="Name">The silo's name (unique in the cluster).</param>
/// <param name="Workers">How many workers (shards at a time) the silo runs.</param>
public sealed record SiloIdentity(string Name, int Workers)
{
    /// <summary>The silo's process id.</summary>
    public int ProcessId { get; } = Environment.ProcessId;
}
