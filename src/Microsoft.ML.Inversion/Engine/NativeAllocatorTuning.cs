using System.Runtime.InteropServices;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Keeps the C allocator from handing libtorch's freed tensor memory back to the kernel between optimisation steps.
/// </summary>
/// <remarks>
/// libtorch allocates every step's activations and gradients with the C allocator and frees them at the end of the
/// step. glibc's malloc serves large blocks with fresh <c>mmap</c>s and trims the top of its heaps once more than
/// a threshold is free, so each step maps new pages that the kernel must zero again, which roughly doubles a step's
/// time until glibc's adaptive threshold catches up (figures in docs/design.md and docs/benchmarks-untuned.md).
/// The tuning fixes the mmap threshold at its maximum (32 MiB) and
/// raises the trim threshold to 2 GiB, as <c>MALLOC_MMAP_THRESHOLD_</c> and <c>MALLOC_TRIM_THRESHOLD_</c> would, and
/// serves blocks above 32 MiB from the heap too (<c>MALLOC_MMAP_MAX_=0</c>): a batch of 8 at 112×112 with 96 channels
/// is 38 MiB, and on a 2-core AMD EPYC VM mapping and zeroing such blocks afresh for every operator made MobileNet v2's
/// forward pass at batch 8 three times slower (2026-12-08: 237 against 81 ms).
/// The cost is that the process keeps its peak working set instead of returning it between steps.
/// It is applied once, when the first optimisation starts, on Linux with glibc only, and never when the process
/// already sets either variable or <c>GLIBC_TUNABLES</c>. Set <see cref="Enabled"/> to false before the first
/// inversion to leave the allocator alone.
/// </remarks>
public static class NativeAllocatorTuning
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int MmapMax = -4; // M_MMAP_MAX
    private const int MaxMmapThreshold = 32 * 1024 * 1024; // glibc's upper limit on 64-bit systems
    private static readonly object Gate = new();
    private static bool _attempted;

    /// <summary>Whether the engine tunes the allocator when the first optimisation starts (default true).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Whether the tuning has been applied in this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>
    /// Applies the tuning now (once per process) if <see cref="Enabled"/> and the platform allows it; returns
    /// <see cref="Applied"/>. Benchmarks call it before timing anything, so every measurement sees the same allocator.
    /// </summary>
    public static bool Apply()
    {
        lock (Gate)
        {
            if (_attempted || !Enabled)
                return Applied;
            _attempted = true;
            if (!ShouldTune(OperatingSystem.IsLinux(), Environment.GetEnvironmentVariable))
                return false;
            try
            {
                _ = GnuLibcVersion(); // throws on C libraries other than glibc (musl has no mallopt thresholds)
                Applied = MallOpt(MmapThreshold, MaxMmapThreshold) == 1 && MallOpt(TrimThreshold, int.MaxValue) == 1
                    && MallOpt(MmapMax, 0) == 1;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Applied = false;
            }
            return Applied;
        }
    }

    /// <summary>Whether to tune: on Linux, unless the user already configures glibc's malloc through the environment.</summary>
    internal static bool ShouldTune(bool isLinux, Func<string, string?> environment) =>
        isLinux && new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_MAX_", "GLIBC_TUNABLES" }
            .All(name => string.IsNullOrEmpty(environment(name)));

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc.so.6", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuLibcVersion();
}
