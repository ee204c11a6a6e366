namespace Microsoft.ML.Inversion.Orleans;

/// <summary>Names the cluster's silos and clients share.</summary>
public static class InversionCluster
{
    /// <summary>The grain storage provider jobs are persisted in (Redis on a real cluster, memory on one machine).</summary>
    public const string StorageName = "inversion";

    /// <summary>The Orleans service id of the inversion cluster.</summary>
    public const string ServiceId = "inversion-ml";

    /// <summary>The default cluster id.</summary>
    public const string DefaultClusterId = "inversion";

    /// <summary>The grain id of the job directory.</summary>
    public const long DirectoryKey = 0;
}
