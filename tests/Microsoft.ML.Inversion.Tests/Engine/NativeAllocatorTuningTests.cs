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
        foreach (string variable in new[] { "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_MMAP_MAX_", "GLIBC_TUNABLES" })
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

        // A tensor above glibc's largest mmap threshold (a batch of 8 × 96 × 112 × 112 is 38 MiB) comes from the heap,
        // so freeing and allocating it again reuses pages instead of mapping and zeroing new ones.
        long mappedBefore = MallocInfo().MappedBytes;
        using (var large = TorchSharp.torch.ones(8, 96, 112, 112))
            Assert.AreEqual(mappedBefore, MallocInfo().MappedBytes, "no mapping was made for the 38 MiB tensor");
    }

    private readonly record struct MallocInfo2(nuint Arena, nuint OrdinaryBlocks, nuint SmallBlocks, nuint MappedBlocks, nuint MappedBytesRaw,
        nuint MaxTotal, nuint FreeSmallBytes, nuint UsedBytes, nuint FreeBytes, nuint Releasable)
    {
        public long MappedBytes => (long)MappedBytesRaw;
    }

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallocInfo2 MallocInfo();
}
