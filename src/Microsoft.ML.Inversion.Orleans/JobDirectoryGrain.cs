namespace Microsoft.ML.Inversion.Orleans;

/// <summary>The persisted list of unfinished jobs (see <see cref="IJobDirectoryGrain"/>).</summary>
public sealed class JobDirectoryGrain(
    [PersistentState("jobs", InversionCluster.StorageName)] IPersistentState<JobDirectoryState> state) : Grain, IJobDirectoryGrain
{
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc/>
    public async Task Add(string jobId)
    {
        if (state.State.Jobs.Contains(jobId))
            return;
        state.State.Jobs.Add(jobId);
        await state.WriteStateAsync();
        _added.TrySetResult();
        _added = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <inheritdoc/>
    public async Task Remove(string jobId)
    {
        if (state.State.Jobs.Remove(jobId))
            await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> WaitForActive(TimeSpan maxWait)
    {
        if (state.State.Jobs.Count == 0)
            await Task.WhenAny(_added.Task, Task.Delay(maxWait));
        return [.. state.State.Jobs];
    }
}
