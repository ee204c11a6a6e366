using System.Text.Json.Serialization;

namespace Microsoft.ML.Inversion.Tool.Reporting;

/// <summary>One image the command made, with its measures, as summary.json and report.html show it.</summary>
internal sealed record LayerRun
{
    /// <summary>The layer.</summary>
    [JsonPropertyName("layer")] public required string Layer { get; init; }

    /// <summary>ours, naive, maximize or caricature.</summary>
    [JsonPropertyName("method")] public required string Method { get; init; }

    /// <summary>The image file, relative to the output folder.</summary>
    [JsonPropertyName("image")] public required string Image { get; init; }

    /// <summary>The maximised channel, for --task maximize.</summary>
    [JsonPropertyName("channel")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Channel { get; init; }

    /// <summary>What <see cref="Score"/> measures.</summary>
    [JsonPropertyName("scoreName")] public required string ScoreName { get; init; }

    /// <summary>The task's score (the feature error for inversions).</summary>
    [JsonPropertyName("score")] public required double Score { get; init; }

    /// <summary>‖Φ(x) − Φ0‖/‖Φ0‖, for inversions.</summary>
    [JsonPropertyName("featureError")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? FeatureError { get; init; }

    /// <summary>Correlation with the original's luminance, where there is an original.</summary>
    [JsonPropertyName("ncc")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Ncc { get; init; }

    /// <summary>Neighbour differences relative to the original's (1 is natural).</summary>
    [JsonPropertyName("roughness")] public required double Roughness { get; init; }

    /// <summary>Luminance standard deviation relative to the original's (1 is the original's contrast, 0 flat grey).</summary>
    [JsonPropertyName("contrast")] public required double Contrast { get; init; }

    /// <summary>PSNR against the original, in dB.</summary>
    [JsonPropertyName("psnr")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Psnr { get; init; }

    /// <summary>SSIM against the original.</summary>
    [JsonPropertyName("ssim")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Ssim { get; init; }

    /// <summary>Optimisation steps.</summary>
    [JsonPropertyName("iterations")] public required int Iterations { get; init; }

    /// <summary>Wall-clock seconds of this image's optimisation.</summary>
    [JsonPropertyName("seconds")] public required double Seconds { get; init; }

    /// <summary>The settings the layer used (<c>LayerSettings.Describe()</c>).</summary>
    [JsonPropertyName("settings")] public required string Settings { get; init; }

    /// <summary>The energy at every step.</summary>
    [JsonPropertyName("lossCurve")] public required double[] LossCurve { get; init; }
}
