using System.Reflection;

namespace Microsoft.ML.Inversion.Tests;

/// <summary>Paths the tests need: the repository, the shared test images and the NuGet package cache.</summary>
internal static class TestEnvironment
{
    private static string Metadata(string key) =>
        typeof(TestEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata.");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    /// <summary>The licensed photographs in ../shared/images beside the repository.</summary>
    public static string SharedImage(string name)
    {
        string path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "images", name));
        if (!File.Exists(path))
            throw new FileNotFoundException($"Test image '{name}' not found at {path}; the shared/ folder must sit beside the repository.", path);
        return path;
    }

    public static readonly string[] SharedImageNames = ["astronaut.png", "chelsea.png", "coffee.png"];

    /// <summary>A fresh folder under the test run's temporary directory.</summary>
    public static string NewTempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "inversion-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
