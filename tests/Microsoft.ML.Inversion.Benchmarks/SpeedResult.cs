namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>Forward time of one network at one batch size, ours beside ONNX Runtime's.</summary>
/// <param name="Name">The TorchVision architecture.</param>
/// <param name="Batch">Images per forward pass.</param>
/// <param name="OursMilliseconds">Our forward (under no_grad), median over rounds of each round's median.</param>
/// <param name="OnnxRuntimeMilliseconds">ONNX Runtime's forward on the same input, measured the same way, interleaved with ours.</param>
/// <param name="RelativeError">Our output against ONNX Runtime's at this batch size.</param>
/// <param name="OursLayoutPerOperatorMilliseconds">Our forward in the layout optimisations on imported graphs run in
/// (<c>ExecutionSettings.LayoutPerOperator</c>: channels-last input, maps of 14×14 or fewer back in the default layout), interleaved with the others.</param>
/// <param name="OursUnfusedMilliseconds">Our plain forward imported without operator fusions (<c>OnnxImportOptions.FuseOperators</c> off;
/// BatchNormalization still folded), interleaved with the others; null where the import fused nothing else.</param>
internal sealed record SpeedResult(string Name, int Batch, double OursMilliseconds, double OnnxRuntimeMilliseconds, double RelativeError, double OursLayoutPerOperatorMilliseconds, double? OursUnfusedMilliseconds)
{
    /// <summary>Our time over ONNX Runtime's.</summary>
    public double Ratio => OursMilliseconds / OnnxRuntimeMilliseconds;

    /// <summary>Our time in the optimisation's layout over ONNX Runtime's.</summary>
    public double LayoutPerOperatorRatio => OursLayoutPerOperatorMilliseconds / OnnxRuntimeMilliseconds;

    /// <summary>Whether <see cref="Ratio"/> is within <see cref="NetworkBenchmark.SpeedTarget"/>.</summary>
    public bool TargetMet => Ratio <= NetworkBenchmark.SpeedTarget;
}
