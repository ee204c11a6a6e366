namespace Microsoft.ML.Inversion.Orleans;

/// <summary>The job coordinator, keyed by job id, as clients see it: submit, watch, cancel.</summary>
public interface IInversionJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job (persisting it before returning); submitting the same spec again is a no-op.</summary>
    /// <exception cref="ArgumentException">The spec is invalid, or a different job already has this id.</exception>
    Task<JobStatus> Submit(InversionJobSpec spec);

    /// <summary>The job's progress.</summary>
    Task<JobStatus> GetStatus();

    /// <summary>Stops leasing shards; running shards finish or are abandoned at their next renewal.</summary>
    Task<JobStatus> Cancel();
}
