namespace Microsoft.ML.Inversion.Orleans;

/// <summary>The cluster's list of unfinished jobs (one grain, key 0), which idle workers poll.</summary>
public interface IJobDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a job.</summary>
    Task Add(string jobId);

    /// <summary>Removes a finished or cancelled job.</summary>
    Task Remove(string jobId);

    /// <summary>The unfinished jobs, oldest first.</summary>
    Task<IReadOnlyList<string>> GetActive();
}
