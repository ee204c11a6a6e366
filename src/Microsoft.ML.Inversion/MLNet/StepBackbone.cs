using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>Creates a step's backbone on the device the ML.NET environment asks for.</summary>
internal static class StepBackbone
{
    /// <summary>Creates the backbone and hands it to <paramref name="create"/>, disposing it if that fails.</summary>
    public static T Create<T>(BackboneReference reference, IHostEnvironment environment, Func<Backbone, T> create)
    {
        Backbone backbone = reference.Create(ChooseDevice(environment));
        try
        {
            return create(backbone);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The device to run on, as ML.NET's own TorchSharp transforms choose it: CUDA device
    /// <c>MLContext.GpuDeviceId</c> when set and available, else the CPU if <c>FallbackToCpu</c>, else an error.
    /// </summary>
    public static Device ChooseDevice(IHostEnvironment environment)
    {
        var (gpuDeviceId, fallbackToCpu) = MLNetInternals.DeviceSettings(environment);
        if (gpuDeviceId is not { } id)
            return CPU;
        if (cuda.is_available())
            return device(DeviceType.CUDA, id);
        if (fallbackToCpu)
            return CPU;
        throw new InvalidOperationException($"MLContext.GpuDeviceId is {id} but CUDA is not available to TorchSharp. " +
            "Add a CUDA libtorch package, or set MLContext.FallbackToCpu = true to run on the CPU.");
    }
}
