using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using Microsoft.ML.Inversion.Regularizers;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>Options of one inversion run; every field has a usable default.</summary>
public sealed class InversionOptions
{
    /// <summary>The recipe (default: <see cref="InversionPreset.Default"/>).</summary>
    public InversionPreset Preset { get; set; } = InversionPreset.Default;

    /// <summary>Total iterations; null keeps the preset's schedule, a value stretches or shrinks it.</summary>
    public int? Iterations { get; set; }

    /// <summary>Overrides C, the data-term weight the preset picks by layer.</summary>
    public double? DataWeight { get; set; }

    /// <summary>Overrides λTV (adds a TV² prior where the preset has none).</summary>
    public double? TvWeight { get; set; }

    /// <summary>Overrides β, the TV exponent (2 or 1), of the preset's TV prior.</summary>
    public double? Beta { get; set; }

    /// <summary>Overrides the jitter amount T (1 turns jitter off).</summary>
    public int? JitterAmount { get; set; }

    /// <summary>Replaces the whole energy; null uses the preset's C·data + λα·α-norm + λTV·TV.</summary>
    public Objective? Objective { get; set; }

    /// <summary>Adjusts the preset's settings last of all (for experiments and advanced users).</summary>
    public Func<LayerSettings, LayerSettings>? Customize { get; set; }

    /// <summary>
    /// How the backbone runs while optimising (e.g. channels-last); a task may adapt it (maximisation adds a ReLU leak).
    /// Null (the default): the backbone's <see cref="Backbone.OptimizationExecution"/>, its fastest layout.
    /// </summary>
    public ExecutionSettings? Execution { get; set; }

    /// <summary>The base random seed; image i of a call uses <c>Seed + i</c> unless seeds are passed explicitly.</summary>
    public long Seed { get; set; } = 1;

    /// <summary>Whether to record each image's energy at every step (<see cref="OptimizationResult.LossCurves"/>).</summary>
    public bool RecordLossCurve { get; set; }

    /// <summary>Receives progress every <see cref="ProgressInterval"/> steps.</summary>
    public IProgress<InversionProgress>? Progress { get; set; }

    /// <summary>Steps between progress reports (default 10).</summary>
    public int ProgressInterval { get; set; } = 10;

    /// <summary>The settings for a layer after this object's overrides.</summary>
    /// <param name="layer">The layer's geometry.</param>
    /// <param name="pixelScale">The backbone's pixel scale B.</param>
    /// <param name="task">How a task other than inversion adapts the preset's settings (applied before the overrides).</param>
    /// <param name="visualization">Whether the task is a visualisation (maximisation, caricature), which starts from
    /// <see cref="InversionPreset.VisualizationSettingsFor"/> instead of the inversion settings.</param>
    public LayerSettings Resolve(LayerGeometry layer, double pixelScale, Func<LayerSettings, LayerSettings>? task = null, bool visualization = false)
    {
        LayerSettings settings = visualization ? Preset.VisualizationSettingsFor(layer, pixelScale) : Preset.SettingsFor(layer, pixelScale);
        if (task is not null)
            settings = task(settings);
        if (Iterations is { } iterations)
            settings = settings.WithIterations(iterations);
        if (DataWeight is { } c)
            settings = settings with { DataWeight = c };
        if (TvWeight is { } tv)
            settings = settings.WithRegularizer<TotalVariationPrior>(p => p with { Weight = tv }, new(0));
        if (Beta is { } beta && settings.Regularizer<TotalVariationPrior>() is not null)
            settings = settings.WithRegularizer<TotalVariationPrior>(p => p with { Beta = beta }, new(0));
        if (JitterAmount is { } jitter)
            settings = settings with { JitterAmount = Math.Max(1, jitter) };
        return Customize?.Invoke(settings) ?? settings;
    }
}
