namespace Microsoft.ML.Inversion.Measurements;

/// <summary>A one-line description of the machine a measurement ran on.</summary>
internal static class MachineDescription
{
    public static string Describe()
    {
        string cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        double memoryGiB = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{cpu}, {Environment.ProcessorCount} cores, {memoryGiB:F0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
               $"libtorch {TorchSharp.torch.__version__} CPU with {TorchSharp.torch.get_num_threads()} threads, " +
               (Microsoft.ML.Inversion.Backbones.BFloat16Support.IsNative(TorchSharp.torch.CPU) ? "native bfloat16" : "no native bfloat16") + ", " +
               (Microsoft.ML.Inversion.Engine.MathKernelDispatch.Apply() ? "MKL's vendor test answered (MathKernelDispatch)"
                   : $"MKL's vendor test kept ({Microsoft.ML.Inversion.Engine.MathKernelDispatch.NotAppliedReason ?? "disabled"})");
    }
}
