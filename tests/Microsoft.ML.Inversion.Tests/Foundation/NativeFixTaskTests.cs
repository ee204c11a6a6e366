using System.Diagnostics;

namespace Microsoft.ML.Inversion.Tests.Foundation;

/// <summary>
/// Runs the buildTransitive native-fix task through MSBuild, exactly as a consumer's build does, on copies of the
/// real libLibTorchSharp.so from the TorchSharp package, and reads the result back as ELF.
/// </summary>
[TestClass]
public sealed class NativeFixTaskTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string OriginalLibrary()
    {
        string path = Path.Combine(TestEnvironment.NuGetPackageRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.IsTrue(File.Exists(path), $"The TorchSharp package's native library is missing: {path}");
        return path;
    }

    private static string CopyOfOriginal(string folder)
    {
        string copy = Path.Combine(folder, "libLibTorchSharp.so");
        File.Copy(OriginalLibrary(), copy);
        return copy;
    }

    /// <summary>Runs the WeakenElfVersionNeed task from the package's targets file; returns MSBuild's output.</summary>
    private static string RunTask(string library, string mode, string protectedFolders = "")
    {
        string targets = Path.Combine(TestEnvironment.RepositoryRoot, "src", "Microsoft.ML.Inversion", "buildTransitive", "Microsoft.ML.Inversion.targets");
        string project = Path.Combine(Path.GetDirectoryName(library)!, "patch.proj");
        File.WriteAllText(project, $"""
            <Project>
              <Import Project="{targets}" />
              <Target Name="Patch">
                <WeakenElfVersionNeed Files="{library}" VersionName="{Version}" Mode="{mode}" ProtectedFolders="{protectedFolders}" />
              </Target>
            </Project>
            """);
        var start = new ProcessStartInfo("dotnet", $"msbuild \"{project}\" -t:Patch -nologo -v:n -nodeReuse:false")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"MSBuild failed:\n{output}");
        return output;
    }

    private static bool HostProvidesVersion()
    {
        foreach (string folder in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64" })
        {
            string path = Path.Combine(folder, "libstdc++.so.6");
            if (File.Exists(path))
                return File.ReadAllText(path, System.Text.Encoding.Latin1).Contains("\0" + Version + "\0");
        }
        return false;
    }

    [TestMethod]
    public void MarksOnlyThatVersionWeakAndIsIdempotent()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("The native fix applies to Linux only.");
        string folder = TestEnvironment.NewTempFolder();
        string library = CopyOfOriginal(folder);
        byte[] before = File.ReadAllBytes(library);
        var requirementBefore = ElfVersionNeeds.Read(before).Single(r => r.Version == Version);
        Assert.IsFalse(requirementBefore.IsWeak, "The package's library should require the version strongly.");

        string log = RunTask(library, "always");
        byte[] after = File.ReadAllBytes(library);

        StringAssert.Contains(log, $"marked {Version} weak");
        Assert.HasCount(before.Length, after);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        CollectionAssert.AreEqual(new[] { (int)requirementBefore.FlagsOffset }, changed, "only the flags' low byte may change");
        var requirements = ElfVersionNeeds.Read(after);
        Assert.IsTrue(requirements.Single(r => r.Version == Version).IsWeak);
        Assert.IsFalse(requirements.Where(r => r.Version != Version).Any(r => r.IsWeak), "no other requirement may become weak");

        string secondLog = RunTask(library, "always");
        StringAssert.Contains(secondLog, "already weak");
        CollectionAssert.AreEqual(after, File.ReadAllBytes(library), "a second run must change nothing");
    }

    [TestMethod]
    public void AutoModePatchesExactlyWhenTheHostLibstdcxxLacksTheVersion()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("The native fix applies to Linux only.");
        string library = CopyOfOriginal(TestEnvironment.NewTempFolder());

        RunTask(library, "auto");

        bool weak = ElfVersionNeeds.Read(File.ReadAllBytes(library)).Single(r => r.Version == Version).IsWeak;
        Assert.AreEqual(!HostProvidesVersion(), weak);
    }

    [TestMethod]
    public void NeverModeAndProtectedFoldersLeaveTheFileUntouched()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("The native fix applies to Linux only.");
        string folder = TestEnvironment.NewTempFolder();
        string library = CopyOfOriginal(folder);
        byte[] original = File.ReadAllBytes(library);

        RunTask(library, "never");
        CollectionAssert.AreEqual(original, File.ReadAllBytes(library));

        string log = RunTask(library, "always", protectedFolders: folder);
        StringAssert.Contains(log, "refusing to modify");
        CollectionAssert.AreEqual(original, File.ReadAllBytes(library));
    }

    [TestMethod]
    public void TheTestRunsOwnLibTorchSharpWasPatchedWhenNeeded()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("The native fix applies to Linux only.");
        string output = Path.GetDirectoryName(typeof(NativeFixTaskTests).Assembly.Location)!;
        var copies = Directory.GetFiles(output, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.IsNotEmpty(copies, "the test output should hold TorchSharp's native library");
        foreach (string copy in copies)
            Assert.AreEqual(!HostProvidesVersion(), ElfVersionNeeds.Read(File.ReadAllBytes(copy)).Single(r => r.Version == Version).IsWeak, copy);
        // The package cache keeps the original.
        Assert.IsFalse(ElfVersionNeeds.Read(File.ReadAllBytes(OriginalLibrary())).Single(r => r.Version == Version).IsWeak);
    }
}
