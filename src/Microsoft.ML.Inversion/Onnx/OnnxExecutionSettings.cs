namespace Microsoft.ML.Inversion.Onnx;

/// <summary>Switches that change how an imported graph runs, shared by all its nodes.</summary>
public sealed class OnnxExecutionSettings
{
    /// <summary>
    /// When positive, every Relu runs as a LeakyRelu with this slope. The IJCV paper does this (0.05) during
    /// activation maximisation so that units that start dead still pass a gradient. 0 (the default) is the network.
    /// </summary>
    public double ReluLeak { get; set; }
}
