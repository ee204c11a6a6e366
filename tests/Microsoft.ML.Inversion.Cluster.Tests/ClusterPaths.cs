using System.Reflection;

namespace Microsoft.ML.Inversion.Cluster.Tests;

/// <summary>Where the repository, the test photographs and the built Inversion.Cluster host are.</summary>
internal static class ClusterPaths
{
    public static string Repository { get; } = Metadata("RepositoryRoot");

    public static string Images => Path.Combine(Repository, "tests", "images");

    /// <summary>The host's entry assembly, built with the tests (the project references it without its output).</summary>
    public static string ClusterHost
    {
        get
        {
            string path = Path.Combine(Repository, "samples", "Inversion.Cluster", "bin", Metadata("Configuration"), "net10.0", "Inversion.Cluster.dll");
            if (!File.Exists(path))
                Assert.Fail($"The cluster host is not built at {path}: build tests/Microsoft.ML.Inversion.Cluster.Tests first.");
            return path;
        }
    }

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Metadata(string key) =>
        typeof(ClusterPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
