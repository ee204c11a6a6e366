namespace Microsoft.ML.Inversion.Onnx;

/// <summary>How one evaluation of an imported graph runs; passed with each call, never kept on the graph.</summary>
public sealed record OnnxExecutionSettings
{
    /// <summary>The graph as exported.</summary>
    public static OnnxExecutionSettings Default { get; } = new();

    /// <summary>When positive, every Relu runs as a LeakyRelu with this slope; 0 (the default) is the network.</summary>
    public double ReluLeak { get; init; }

    /// <summary>
    /// When positive, a convolution whose channels-last input map has at most this many positions (H×W) first turns it
    /// back to the default layout (see <c>ExecutionSettings.ChannelsLastMinimumArea</c>); 0 leaves layouts as they come.
    /// </summary>
    public int ChannelsLastMinimumArea { get; init; }

    /// <summary>
    /// When set, the graph computes in this floating-point type: the input is expected in it and every floating-point
    /// constant is read from a copy in it (made once per type, kept until the module is disposed). Null: the type the
    /// graph was imported in.
    /// </summary>
    public TorchSharp.torch.ScalarType? ComputeType { get; init; }
}
