using System.Globalization;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Parameterizations;

namespace Microsoft.ML.Inversion.Quality;

/// <summary>Parses <c>--set key=value,...</c> into a settings override, for reproducible tuning experiments.</summary>
internal static class SettingsOverride
{
    public static Func<LayerSettings, LayerSettings> Parse(string text)
    {
        var pairs = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToArray();
        foreach (var pair in pairs)
            if (pair.Length != 2)
                throw new ArgumentException($"--set expects key=value pairs; got '{string.Join("=", pair)}'.");
        return settings =>
        {
            foreach (var pair in pairs)
            {
                string key = pair[0].ToLowerInvariant(), value = pair[1];
                double number() => double.Parse(value, CultureInfo.InvariantCulture);
                settings = key switch
                {
                    "c" => settings with { DataWeight = number() },
                    "tv" => settings with { TvWeight = number() },
                    "alphaweight" => settings with { AlphaWeight = number() },
                    "alpha" => settings with { Alpha = number() },
                    "beta" => settings with { Beta = number() },
                    "tvform" when value is "isotropic" or "anisotropic" => settings with { AnisotropicTv = value == "anisotropic" },
                    "lr" => settings with { LearningRate = number() },
                    "jitter" => settings with { JitterAmount = (int)number() },
                    "scalerotate" => settings with { ScaleRotate = value == "on" },
                    "param" when value == "pixels" => settings with { Parameterization = PixelImage.Factory, ParameterizationName = "pixels" },
                    "param" when value == "fourier" => settings with { Parameterization = FourierImage.Factory, ParameterizationName = "fourier" },
                    "param" when value.StartsWith("lowres", StringComparison.Ordinal) => settings with
                    {
                        Parameterization = LowResolutionOffset.Factory(int.Parse(value["lowres".Length..], CultureInfo.InvariantCulture)),
                        ParameterizationName = value,
                    },
                    "optimizer" => settings with
                    {
                        Optimizer = value switch
                        {
                            "rms" => OptimizerKind.MomentumRms,
                            "sgd" => OptimizerKind.MomentumSgd,
                            "adam" => OptimizerKind.Adam,
                            _ => throw new ArgumentException($"--set optimizer= takes rms, sgd or adam; got '{value}'."),
                        },
                    },
                    _ => throw new ArgumentException($"--set does not know '{key}={value}'; keys: C, tv, alphaweight, alpha, beta, tvform (isotropic|anisotropic), lr, jitter, scalerotate, param, optimizer."),
                };
            }
            return settings;
        };
    }
}
