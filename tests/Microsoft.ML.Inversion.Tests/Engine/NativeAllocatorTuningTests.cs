using Microsoft.ML.Inversion.Engine;

namespace Microsoft.ML.Inversion.Tests.Engine;

[TestClass]
public sealed class NativeAllocatorTuningTests
{
    [TestMethod]
    public void TunesOnlyOnLinuxAndNeverOverridesTheUsersMallocSettings()
    {
        static string? None(string _) => null;
        Assert.IsTrue(NativeAllocatorTuning.ShouldTune(isLinux: true, None));
        Assert.IsFalse(NativeAllocatorTuning.ShouldTune(isLinux: false, None));
        foreach (string variable in new[] { "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES" })
            Assert.IsFalse(NativeAllocatorTuning.ShouldTune(true, name => name == variable ? "1" : null), variable);
    }

    [TestMethod]
    public void IsAppliedOnThisMachineWhenNothingForbidsIt()
    {
        bool expected = NativeAllocatorTuning.ShouldTune(OperatingSystem.IsLinux(), Environment.GetEnvironmentVariable)
            && NativeAllocatorTuning.Enabled && File.Exists("/lib/x86_64-linux-gnu/libc.so.6");
        if (!expected)
            Assert.Inconclusive("Not a glibc x86-64 Linux machine, or malloc is configured through the environment.");
        Assert.IsTrue(NativeAllocatorTuning.Apply(), "mallopt accepted both thresholds");
        Assert.IsTrue(NativeAllocatorTuning.Apply(), "a second call keeps the state");
        Assert.IsTrue(NativeAllocatorTuning.Applied);
    }
}
