namespace Microsoft.ML.Inversion.Quality;

/// <summary>The targets of the default preset on the built-in ResNet18 at 224×224 (issue 5), means over the three images.</summary>
internal sealed record QualityTarget(string Layer, double MaxFeatureError, double MinNcc, double MinRoughness, double MaxRoughness)
{
    public static readonly IReadOnlyList<QualityTarget> ResNet18 =
    [
        new("conv1", 0.05, 0.99, 0.8, 1.25),
        new("pool1", 0.10, 0.95, 0.8, 1.25),
        new("stage1", 0.20, 0.85, 0.6, 1.4),
        new("stage2", 0.30, 0.70, 0.5, 1.5),
        new("stage3", 0.22, 0.55, 0.5, 1.5),
        new("stage4", 0.30, 0.25, 0.4, 1.5),
        new("pool5", 0.12, 0.20, 0.3, 1.5),
    ];
}
