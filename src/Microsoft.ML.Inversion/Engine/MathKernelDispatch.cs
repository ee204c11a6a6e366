using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Lets the Intel Math Kernel Library inside libtorch pick its matrix-product kernels by the processor's instruction
/// sets rather than by its vendor, so that AMD processors with AVX-512 get MKL's AVX-512 kernels.
/// </summary>
/// <remarks>
/// libtorch computes float32 matrix products (<c>mm</c>, <c>addmm</c>, <c>matmul</c>, linear layers: the ONNX importer's
/// MatMul and Gemm) with the MKL it links statically. MKL asks <c>mkl_serv_intel_cpu_true</c> whether the processor is
/// Intel's and, when it is not, runs a generic kernel whatever the instruction sets. On a 2-core AMD EPYC (Zen 5, AVX-512)
/// that held libtorch's products at 120–175 GFLOP/s where the same products reach 285–390 with MKL's own kernels and
/// ONNX Runtime's reach about 270 (docs/backbones.md). The kernels still check the instruction sets they use, so they
/// run where the processor has them; only the vendor test is answered "yes".
/// The answer is given the way <c>LD_PRELOAD</c> of a library defining that function would give it, but in-process:
/// the slot of libtorch_cpu.so's global offset table through which MKL calls the function is pointed at a function
/// that returns 1. MKL asks once, at its first product, and keeps the answer, so this is applied once, when the first
/// backbone is created or an ONNX graph is loaded (every optimisation has a backbone); a process that multiplies matrices
/// with TorchSharp before any of these should call <see cref="Apply"/> first. It applies on Linux on x86-64
/// processors not made by Intel, and never
/// when the process configures MKL's code path itself (<c>MKL_CBWR</c>, <c>MKL_ENABLE_INSTRUCTIONS</c>) or when the
/// slot does not hold what the library's own symbol table says it should. Products differ from the generic kernel's
/// by float32 rounding only, and so do MKL's FFTs, which the Fourier image parameterisation uses; the optimisation
/// amplifies such rounding like any change of machine (the built-in ResNet18's pool5 errors moved by up to ±0.03 on
/// single photographs, 2026-12-08), and the default preset's figures in docs/quality.md were measured without the
/// change. It is therefore opt-in: set <see cref="Enabled"/> before the first backbone, or start the process with
/// <c>INVERSION_MKL_DISPATCH=1</c>.
/// </remarks>
public static class MathKernelDispatch
{
    /// <summary>The MKL service function that reports whether the processor is Intel's.</summary>
    internal const string VendorTestSymbol = "mkl_serv_intel_cpu_true";

    private const string TorchLibrary = "libtorch_cpu.so";
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;
    private static readonly object Gate = new();
    private static bool _attempted;

    /// <summary>
    /// Whether the engine answers MKL's vendor test when the first backbone is created: default false, or true when the
    /// process starts with <c>INVERSION_MKL_DISPATCH=1</c>.
    /// </summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("INVERSION_MKL_DISPATCH") == "1";

    /// <summary>Whether MKL's vendor test answers "Intel" in this process because of <see cref="Apply"/>.</summary>
    public static bool Applied { get; private set; }

    /// <summary>Why the last <see cref="Apply"/> did nothing, or null when it applied or has not run.</summary>
    public static string? NotAppliedReason { get; private set; }

    /// <summary>
    /// Applies the change now (once per process) if <see cref="Enabled"/> and the platform allows it; returns
    /// <see cref="Applied"/>. Benchmarks call it before timing anything, so every measurement sees the same kernels.
    /// </summary>
    public static bool Apply()
    {
        lock (Gate)
        {
            if (_attempted || !Enabled)
            {
                NotAppliedReason ??= Enabled ? null : "not enabled (MathKernelDispatch.Enabled, INVERSION_MKL_DISPATCH=1)";
                return Applied;
            }
            _attempted = true;
            NotAppliedReason = WhyNot(OperatingSystem.IsLinux(), RuntimeInformation.ProcessArchitecture, ProcessorVendor(),
                Environment.GetEnvironmentVariable);
            if (NotAppliedReason is not null)
                return false;
            try
            {
                NotAppliedReason = AnswerVendorTest(out _, out _);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
            {
                NotAppliedReason = e.Message;
            }
            Applied = NotAppliedReason is null;
            return Applied;
        }
    }

    /// <summary>Why not to apply on this platform, or null to apply.</summary>
    internal static string? WhyNot(bool isLinux, Architecture architecture, string vendor, Func<string, string?> environment)
    {
        if (!isLinux || architecture != Architecture.X64)
            return "only Linux on x86-64 is handled";
        if (vendor == "GenuineIntel")
            return "the processor is Intel's: MKL already uses its kernels";
        string? configured = new[] { "MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS" }.FirstOrDefault(name => !string.IsNullOrEmpty(environment(name)));
        return configured is null ? null : $"the process sets {configured}";
    }

    /// <summary>The processor vendor's CPUID string ("GenuineIntel", "AuthenticAMD", …), or "" off x86.</summary>
    internal static string ProcessorVendor()
    {
        if (!X86Base.IsSupported)
            return "";
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        var bytes = new byte[12];
        BitConverter.GetBytes(ebx).CopyTo(bytes, 0);
        BitConverter.GetBytes(edx).CopyTo(bytes, 4);
        BitConverter.GetBytes(ecx).CopyTo(bytes, 8);
        return Encoding.ASCII.GetString(bytes);
    }

    /// <summary>
    /// Points the slot through which libtorch_cpu.so calls MKL's vendor test at a function returning 1; returns why
    /// not, or null with the <paramref name="slot"/>'s address and the <paramref name="previous"/> value it held.
    /// </summary>
    internal static string? AnswerVendorTest(out nint slot, out nint previous)
    {
        slot = 0;
        previous = 0;
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU); // loads libtorch_cpu.so
        var mappings = Mappings().Where(m => Path.GetFileName(m.Path) == TorchLibrary).ToList();
        var first = mappings.FirstOrDefault(m => m.FileOffset == 0);
        if (first.Path is null)
            return $"{TorchLibrary} is not mapped into the process";
        long end = mappings.Max(m => m.End);

        long? offset = ElfJumpSlot.FindOffset(first.Path, VendorTestSymbol);
        if (offset is null)
            return $"{first.Path} calls no {VendorTestSymbol} through its global offset table";
        slot = (nint)(first.Start + offset.Value);
        nint address = slot;
        var containing = mappings.FirstOrDefault(m => m.Start <= address && address + IntPtr.Size <= m.End);
        if (containing.Path is null)
            return $"{VendorTestSymbol}'s slot lies outside {TorchLibrary}'s mappings";

        nint library = NativeLibrary.Load(first.Path);
        try
        {
            nint current = Marshal.ReadIntPtr(slot);
            previous = current;
            bool bound = NativeLibrary.TryGetExport(library, VendorTestSymbol, out nint exported) && current == exported;
            bool lazy = current >= first.Start && current < end; // not yet bound: the slot points back into the library's PLT
            if (!bound && !lazy)
                return $"{VendorTestSymbol}'s slot holds an address outside {TorchLibrary}";

            nint answer = ReturnsOne();
            if (answer == 0)
                return "no executable page for the answer could be mapped";
            nint page = slot & ~(nint)(Environment.SystemPageSize - 1);
            bool writable = containing.Permissions.Contains('w');
            if (!writable && MemoryProtect(page, (nuint)Environment.SystemPageSize, ProtRead | ProtWrite) != 0)
                return $"{VendorTestSymbol}'s slot is read-only and could not be unprotected";
            Marshal.WriteIntPtr(slot, answer);
            if (!writable)
                _ = MemoryProtect(page, (nuint)Environment.SystemPageSize, ProtRead);
            return null;
        }
        finally
        {
            NativeLibrary.Free(library);
        }
    }

    /// <summary>A native function <c>int f(void)</c> that returns 1 (x86-64: <c>mov eax, 1; ret</c>).</summary>
    private static nint ReturnsOne()
    {
        nint page = MemoryMap(0, (nuint)Environment.SystemPageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == -1)
            return 0;
        Marshal.Copy(new byte[] { 0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3 }, 0, page, 6);
        return MemoryProtect(page, (nuint)Environment.SystemPageSize, ProtRead | ProtExec) == 0 ? page : 0;
    }

    private readonly record struct Mapping(long Start, long End, string Permissions, long FileOffset, string Path);

    private static IEnumerable<Mapping> Mappings()
    {
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6)
                continue;
            string[] range = fields[0].Split('-');
            yield return new Mapping(long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields[1],
                long.Parse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields[5].Trim());
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mmap")]
    private static extern nint MemoryMap(nint address, nuint length, int protection, int flags, int descriptor, nint offset);

    [DllImport("libc.so.6", EntryPoint = "mprotect")]
    private static extern int MemoryProtect(nint address, nuint length, int protection);
}
