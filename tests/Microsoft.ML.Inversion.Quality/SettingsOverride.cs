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
                    "guide" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Guide = (p.Guide ?? new(0)) with { Reference = number() } }, new(1)),
                    "guidegamma" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Guide = (p.Guide ?? new(0.5)) with { Exponent = number() } }, new(1)),
                    "guidemin" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Guide = (p.Guide ?? new(0.5)) with { MinGain = number() } }, new(1)),
                    "guidemax" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Guide = (p.Guide ?? new(0.5)) with { MaxGain = number() } }, new(1)),
                    "guideimage" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Guide = (p.Guide ?? new(0.5)) with { ImageExponent = number() } }, new(1)),
                    "texture" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Guide = (p.Guide ?? new(0.5)) with { TextureExponent = number() } }, new(1)),
                    "guideoff" => settings.WithRegularizer<TotalVariationPrior>(p => p with { Guide = null }, new(1)),
                    "floor" => settings.WithRegularizer<ContrastFloorPrior>(p => p with { Floor = number() }, new(100)),
                    "floorweight" => settings.WithRegularizer<ContrastFloorPrior>(p => p with { Weight = number() }, new(100)),
                    "start" => settings with { Start = value == "noise" ? null : new StartImage(number(), settings.Start?.LayoutWeight ?? 0) },
                    "layout" => settings with { Start = new StartImage(settings.Start?.Contrast ?? 1, number()) },
                    "restorecontrast" => settings with { RestoreContrast = value == "on" },
                    "precision" when value is "bf16" or "full" => settings with { ReducedPrecision = value == "bf16" },
                    "schedule" => settings with { Schedule = ParseSchedule(value) },
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
                    _ => throw new ArgumentException($"--set does not know '{key}={value}'; keys: C, tv, guide, guidegamma, guidemin, guidemax, guideimage, guideoff, floor, floorweight, start, layout, restorecontrast, alphaweight, alpha, beta, tvform (isotropic|anisotropic), precision (bf16|full), schedule (steps:rate:j|steps:rate:n ..., j with jitter, n without), lr, jitter, scalerotate, param, optimizer."),
                };
            }
            return settings;
        };
    }

    /// <summary>Parses <c>330:1:j|70:0.1:n</c>: each phase's steps, rate multiplier and j (jitter) or n (none).</summary>
    private static SchedulePhase[] ParseSchedule(string text) =>
        text.Split('|').Select(phase =>
        {
            string[] parts = phase.Split(':');
            if (parts.Length != 3 || parts[2] is not ("j" or "n"))
                throw new ArgumentException($"--set schedule= takes steps:rate:j or steps:rate:n phases separated by '|'; got '{phase}'.");
            return new SchedulePhase(int.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), Jitter: parts[2] == "j");
        }).ToArray();
}
