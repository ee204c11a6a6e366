namespace Microsoft.ML.Inversion.MLNet;

/// <summary>What the transform's input column holds.</summary>
internal enum InversionInputKind
{
    /// <summary>An <c>MLImage</c>: the layer's activations of the image are the target.</summary>
    Image,

    /// <summary>A known-size float vector: the layer's activations themselves.</summary>
    Features,
}
