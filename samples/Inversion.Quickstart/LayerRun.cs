using System.Text.Json.Serialization;

namespace Inversion.Quickstart;

/// <summary>One reconstruction's measures, as written to summary.json.</summary>
internal sealed record LayerRun(
    [property: JsonPropertyName("layer")] string Layer,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("featureError")] double FeatureError,
    [property: JsonPropertyName("ncc")] double Ncc,
    [property: JsonPropertyName("roughness")] double Roughness,
    [property: JsonPropertyName("psnr")] double Psnr,
    [property: JsonPropertyName("ssim")] double Ssim,
    [property: JsonPropertyName("iterations")] int Iterations,
    [property: JsonPropertyName("seconds")] double Seconds);
