using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Inversion.Tests.MLNet;

/// <summary>An in-memory row with an image and a pass-through column.</summary>
public sealed class ImageRow
{
    [ImageType(64, 64)]
    public MLImage? Image { get; set; }

    public string Name { get; set; } = "";
}

/// <summary>A row of the output: the reconstruction, the pass-through column and the scores.</summary>
public sealed class ReconstructionRow
{
    [ImageType(64, 64)]
    public MLImage? Reconstruction { get; set; }

    public string Name { get; set; } = "";

    public float FeatureError { get; set; }

    public int Iterations { get; set; }
}
