namespace Microsoft.ML.Inversion.Backbones;

/// <summary>The order of the colour channels a network expects.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (TorchVision models).</summary>
    Rgb,

    /// <summary>Blue, green, red (Caffe- and CNTK-trained models such as ML.NET's ResNet18).</summary>
    Bgr,
}
