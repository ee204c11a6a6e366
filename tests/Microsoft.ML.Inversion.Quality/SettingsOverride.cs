using System.Globalization;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Optimizers;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.ML.Inversion.Regularizers;
using Microsoft.ML.Inversion.Transforms;

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
                    "tv" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Weight = number() }, new(0)),
                    "beta" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Beta = number() }, new(0)),
                    "tvform" when value is "isotropic" or "anisotropic" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Anisotropic = value == "anisotropic" }, new(0)),
                    "alphaweight" => settings.WithRegularizer<AlphaNormPrior>(p => p with { Weight = number() }, new(0)),
                    "alpha" => settings.WithRegularizer<AlphaNormPrior>(p => p with { Alpha = number() }, new(0)),
                    "lr" => settings with { LearningRate = number() },
                    "jitter" => settings with { JitterAmount = (int)number() },
                    "scalerotate" => settings with { Transforms = value == "on" ? TransformFactory.JitterScaleRotate : TransformFactory.Jitter },
                    "param" when value == "pixels" => settings with { Parameterization = PixelImage.Factory },
                    "param" when value == "fourier" => settings with { Parameterization = FourierImage.Factory },
                    "param" when value.StartsWith("lowres", StringComparison.Ordinal) => settings with
                    {
                        Parameterization = LowResolutionOffset.Factory(int.Parse(value["lowres".Length..], CultureInfo.InvariantCulture)),
                    },
                    "optimizer" => settings with
                    {
                        Optimizer = value switch
                        {
                            "rms" => OptimizerFactory.MomentumRms(),
                            "sgd" => OptimizerFactory.MomentumSgd(),
                            "adam" => OptimizerFactory.Adam,
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
