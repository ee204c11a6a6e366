using Orleans.Concurrency;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// The cluster's list of unfinished jobs (one grain, key 0). Idle workers wait on it with <see cref="WaitForActive"/>,
/// so a submitted job reaches every silo at once rather than one poll interval later.
/// </summary>
public interface IJobDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a job.</summary>
    Task Add(string jobId);

    /// <summary>Removes a finished or cancelled job.</summary>
    Task Remove(string jobId);

    /// <summary>
    /// The unfinished jobs, oldest first, as soon as there is one: at once when there are, otherwise when a job is
    /// added or after <paramref name="maxWait"/> (then empty; <see cref="TimeSpan.Zero"/> only lists). Interleaves
    /// with the other calls, so waiting workers never block <see cref="Add"/>.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> WaitForActive(TimeSpan maxWait);
}
