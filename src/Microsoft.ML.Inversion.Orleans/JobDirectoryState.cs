namespace Microsoft.ML.Inversion.Orleans;

/// <summary>The persisted state of the job directory.</summary>
[GenerateSerializer]
public sealed class JobDirectoryState
{
    /// <summary>Unfinished jobs' ids, oldest first.</summary>
    [Id(0)]
    public List<string> Jobs { get; set; } = [];
}
