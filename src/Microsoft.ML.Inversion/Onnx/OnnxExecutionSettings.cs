namespace Microsoft.ML.Inversion.Onnx;

/// <summary>Switches that change how an imported graph runs, shared by all its nodes.</summary>
public sealed class OnnxExecutionSettings
{
    /// <summary>
    /// When positive, every Relu runs as a LeakyRelu with this slope. The IJCV paper does this (0.05) during
    /// activation maximisation so that units that start dead still pass a gradient. 0 (the default) is the network.
    /// </summary>
    public double ReluLeak { get; set; }

    /// <summary>
    /// When true, a 4-D input is laid out channels-last (NHWC strides) before the graph runs, and libtorch's oneDNN
    /// convolutions keep that layout through the network. Values equal the default layout's up to float rounding.
    /// Off by default because it is not faster everywhere: measured for ResNet18 at 224×224 on a 2-core AMD EPYC VM
    /// (forward+backward, batch 1; docs/benchmarks.md), 11–29% faster up to conv1–stage3 but 5–18% slower up to
    /// stage4 and pool5; at batch 8 faster at every layer (4–29%, measured by hand).
    /// </summary>
    public bool ChannelsLast { get; set; }
}
