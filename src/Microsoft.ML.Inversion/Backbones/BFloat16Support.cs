using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// Whether a device computes bfloat16 convolutions natively, so that a network run in bfloat16 is faster than in
/// float32 rather than emulated and slower. On the CPU that means the AVX-512 BF16 or AMX-BF16 instructions (AMD Zen 4
/// and later, Intel Cooper Lake, Sapphire Rapids and later), read from the kernel's CPU flags on Linux; elsewhere, and
/// on other devices, the answer is false until measured there.
/// </summary>
public static class BFloat16Support
{
    private static readonly Lazy<bool> CpuHasBFloat16 = new(ReadCpuFlags);

    /// <summary>Whether <paramref name="device"/> computes bfloat16 natively (see the class remarks).</summary>
    public static bool IsNative(Device device) => device.type == TorchSharp.DeviceType.CPU && CpuHasBFloat16.Value;

    private static bool ReadCpuFlags()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(cpuInfo))
            return false;
        try
        {
            string? flags = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return flags is not null && flags.Split(' ', '\t').Any(f => f is "avx512_bf16" or "amx_bf16");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
