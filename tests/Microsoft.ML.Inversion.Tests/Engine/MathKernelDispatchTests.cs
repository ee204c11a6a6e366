using System.Runtime.InteropServices;
using Microsoft.ML.Inversion.Engine;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

[TestClass]
public sealed class MathKernelDispatchTests
{
    private static string? None(string _) => null;

    [TestMethod]
    public void AnswersOnlyForNonIntelX64LinuxAndNeverOverridesTheUsersMklSettings()
    {
        Assert.IsNull(MathKernelDispatch.WhyNot(true, Architecture.X64, "AuthenticAMD", None));
        Assert.IsNull(MathKernelDispatch.WhyNot(true, Architecture.X64, "HygonGenuine", None));
        StringAssert.Contains(MathKernelDispatch.WhyNot(true, Architecture.X64, "GenuineIntel", None), "Intel");
        StringAssert.Contains(MathKernelDispatch.WhyNot(false, Architecture.X64, "AuthenticAMD", None), "Linux");
        StringAssert.Contains(MathKernelDispatch.WhyNot(true, Architecture.Arm64, "", None), "x86-64");
        foreach (string variable in new[] { "MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS" })
            StringAssert.Contains(MathKernelDispatch.WhyNot(true, Architecture.X64, "AuthenticAMD", name => name == variable ? "AVX2" : null), variable);
    }

    [TestMethod]
    public void FindsTheVendorTestsSlotInLibtorchAndNothingElse()
    {
        InitializeDeviceType(TorchSharp.DeviceType.CPU);
        string library = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && f[5].EndsWith("/libtorch_cpu.so", StringComparison.Ordinal)).Select(f => f[5].Trim()).First();
        long? slot = ElfJumpSlot.FindOffset(library, MathKernelDispatch.VendorTestSymbol);
        Assert.IsNotNull(slot, "libtorch_cpu.so calls the vendor test through its global offset table");
        Assert.IsGreaterThan(0L, slot.Value);
        Assert.IsLessThan(new FileInfo(library).Length, slot.Value);
        Assert.IsNull(ElfJumpSlot.FindOffset(library, "no_such_function_anywhere"));
        Assert.IsNull(ElfJumpSlot.FindOffset(TestEnvironment.Photograph("astronaut.png"), MathKernelDispatch.VendorTestSymbol), "not an ELF file");
    }

    [TestMethod]
    public void IsOptInAndItsSlotAnswersOneWhereItApplies()
    {
        if (!MathKernelDispatch.Enabled)
        {
            Assert.IsFalse(MathKernelDispatch.Apply());
            StringAssert.Contains(MathKernelDispatch.NotAppliedReason, "INVERSION_MKL_DISPATCH=1");
        }
        if (MathKernelDispatch.WhyNot(OperatingSystem.IsLinux(), RuntimeInformation.ProcessArchitecture, MathKernelDispatch.ProcessorVendor(),
                Environment.GetEnvironmentVariable) is { } reason)
            Assert.Inconclusive(reason);

        // MKL reads the vendor test at its first product and keeps the answer: multiplying first leaves this test
        // process's other tests on the kernels they were measured with, whatever the slot says afterwards.
        using (var product = ones(4, 4).mm(ones(4, 4)))
            Assert.AreEqual(64f, product.sum().item<float>());
        Assert.IsNull(MathKernelDispatch.AnswerVendorTest(out nint slot, out nint previous));
        try
        {
            nint answer = Marshal.ReadIntPtr(slot);
            Assert.AreNotEqual(previous, answer);
            Assert.AreEqual(1, Marshal.GetDelegateForFunctionPointer<VendorTest>(answer)(), "the vendor test now answers 'Intel'");
        }
        finally
        {
            Marshal.WriteIntPtr(slot, previous);
        }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int VendorTest();
}
