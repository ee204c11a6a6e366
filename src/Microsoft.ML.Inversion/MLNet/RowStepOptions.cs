using System.Text.Json.Serialization;
using Microsoft.ML.Inversion.Engine;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// What every image step (inversion, caricature, activation maximisation) is configured by: the backbone and layer,
/// the preset, seeds, batching, sizes and the bad-row policy. Each step's options add their own columns.
/// </summary>
public abstract class RowStepOptions
{
    /// <summary>Defaults shared by every step's options and the catalog methods.</summary>
    public static class Defaults
    {
        /// <summary>The preset used when none is named.</summary>
        public const string Preset = "default";

        /// <summary>
        /// Rows optimised together. On 2 CPU cores batches of 4 run faster per image than single rows, while larger
        /// batches gain little and hold more memory (docs/benchmarks.md).
        /// </summary>
        public const int BatchSize = 4;

        /// <summary>The random seed; row r starts from seed + r.</summary>
        public const long Seed = 1;

        /// <summary>The largest image side a step accepts (larger sizes are refused before anything is allocated).</summary>
        public const int MaximumImageSide = 4096;

        /// <summary>The largest batch a step accepts.</summary>
        public const int MaximumBatchSize = 1024;

        /// <summary>The largest number of optimisation steps a step accepts.</summary>
        public const int MaximumIterations = 100_000;
    }

    /// <summary>The image column to create (an <c>MLImage</c> column).</summary>
    public string OutputColumnName = "";

    /// <summary>The layer: a name, an ONNX node (output) name, a module path or an alias (<c>stage3</c>).</summary>
    public string Layer = "";

    /// <summary>The network; default the built-in ImageNet ResNet18 (needs the Microsoft.ML.DnnImageFeaturizer.ResNet18 package).</summary>
    public BackboneReference Backbone = BackboneReference.BuiltInResNet18;

    /// <summary>The recipe: default, ijcv2016, cvpr2015 or naive.</summary>
    public string Preset = Defaults.Preset;

    /// <summary>Total optimisation steps per row; null keeps the preset's.</summary>
    public int? Iterations;

    /// <summary>
    /// Whether every optimisation step runs the network in float32. False (the default) follows the preset: the
    /// default runs its steps from pool1 on in bfloat16 where the CPU has it natively (about 0.6× the time; results
    /// then differ from a float32 machine's by bfloat16's rounding, and bfloat16 kernels also round a batch of rows
    /// differently from single rows: 0.3–0.5 grey levels apart after 15 steps at stage1 on an AVX-512 BF16 CPU). True
    /// gives the same rows on every machine and for every <see cref="BatchSize"/>.
    /// </summary>
    public bool FullPrecision;

    /// <summary>The random seed; the row at position r of the input starts from <c>Seed + r</c>, so results do not depend on batching (in float32, see <see cref="FullPrecision"/>).</summary>
    public long Seed = Defaults.Seed;

    /// <summary>How many rows are optimised together as one tensor.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>The width images are optimised at; default the backbone's input width (224 for ResNet18).</summary>
    public int? ImageWidth;

    /// <summary>The height images are optimised at; default the backbone's input height.</summary>
    public int? ImageHeight;

    /// <summary>If set, an <c>int</c> column with the number of optimisation steps each row took.</summary>
    public string? IterationsColumnName;

    /// <summary>What to do with rows that cannot be computed (unreadable image, unknown channel, NaN features).</summary>
    public BadRowPolicy BadRows = BadRowPolicy.Throw;

    /// <summary>Receives progress (row, iteration, loss) while rows are optimised. Not saved.</summary>
    [JsonIgnore]
    public IProgress<InversionProgress>? Progress;

    /// <summary>Stops work between optimisation steps with <see cref="OperationCanceledException"/>. Not saved.</summary>
    [JsonIgnore]
    public CancellationToken CancellationToken;

    /// <summary>The source columns the step reads.</summary>
    internal abstract IReadOnlyList<string> InputColumns { get; }

    /// <summary>The optional float column with each row's score, named for what it holds.</summary>
    internal abstract string? ScoreColumnName { get; }

    /// <summary>The size of the images the step outputs, given the backbone's input size.</summary>
    internal virtual (int Height, int Width) OutputSize(int backboneHeight, int backboneWidth) =>
        (ImageHeight ?? backboneHeight, ImageWidth ?? backboneWidth);

    internal RowStepOptions Clone() => (RowStepOptions)MemberwiseClone();

    /// <summary>
    /// Checks every field, with limits; estimators, transformers and <c>Load</c> call it, so a hand-edited saved step
    /// fails here with the field's name instead of later.
    /// </summary>
    /// <exception cref="ArgumentException">A field is missing or out of range.</exception>
    internal virtual void Validate()
    {
        RequireName(OutputColumnName, nameof(OutputColumnName));
        RequireName(Layer, nameof(Layer));
        if (Backbone is null)
            throw new ArgumentNullException(nameof(Backbone), "Backbone must name a network (e.g. BackboneReference.BuiltInResNet18).");
        Backbone.Validate();
        InversionPreset.FromName(Preset ?? "");
        RequireRange(Iterations, 1, Defaults.MaximumIterations, nameof(Iterations));
        RequireRange(BatchSize, 1, Defaults.MaximumBatchSize, nameof(BatchSize));
        RequireRange(ImageWidth, 1, Defaults.MaximumImageSide, nameof(ImageWidth));
        RequireRange(ImageHeight, 1, Defaults.MaximumImageSide, nameof(ImageHeight));
        if (IterationsColumnName is not null)
            RequireName(IterationsColumnName, nameof(IterationsColumnName));
        if (ScoreColumnName is not null)
            RequireName(ScoreColumnName, "the score column's name");
        if (!Enum.IsDefined(BadRows))
            throw new ArgumentOutOfRangeException(nameof(BadRows), $"BadRows must be Throw or Skip; got {(int)BadRows}.");
        foreach (string column in InputColumns)
            RequireName(column, "an input column's name");
    }

    private protected static void RequireName(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{field} must be a non-empty name.", field);
    }

    private protected static void RequireRange(int? value, int low, int high, string field)
    {
        if (value is { } v && (v < low || v > high))
            throw new ArgumentOutOfRangeException(field, $"{field} must be between {low} and {high}; got {v}.");
    }
}
