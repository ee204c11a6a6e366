namespace Microsoft.ML.Inversion.Orleans;

/// <summary>The persisted list of unfinished jobs (see <see cref="IJobDirectoryGrain"/>).</summary>
public sealed class JobDirectoryGrain(
    [PersistentState("jobs", InversionCluster.StorageName)] IPersistentState<JobDirectoryState> state) : Grain, IJobDirectoryGrain
{
    /// <inheritdoc/>
    public async Task Add(string jobId)
    {
        if (state.State.Jobs.Contains(jobId))
            return;
        state.State.Jobs.Add(jobId);
        await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task Remove(string jobId)
    {
        if (state.State.Jobs.Remove(jobId))
            await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> GetActive() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Jobs]);
}
