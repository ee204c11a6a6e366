using System.Reflection;

namespace Microsoft.ML.Inversion.Tests;

/// <summary>Paths the tests need: the repository, its test photographs and the NuGet package cache.</summary>
internal static class TestEnvironment
{
    private static string Metadata(string key) =>
        typeof(TestEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata.");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    /// <summary>A licensed photograph in the repository's tests/images (licences in its README).</summary>
    public static string Photograph(string name)
    {
        string path = Path.GetFullPath(Path.Combine(RepositoryRoot, "tests", "images", name));
        if (!File.Exists(path))
            throw new FileNotFoundException($"Test image '{name}' not found at {path}; it belongs in the repository's tests/images folder.", path);
        return path;
    }

    public static readonly string[] PhotographNames = ["astronaut.png", "chelsea.png", "coffee.png"];

    /// <summary>A fresh folder under the test run's temporary directory.</summary>
    public static string NewTempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "inversion-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
