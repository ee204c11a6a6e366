namespace Microsoft.ML.Inversion.Learned;

/// <summary>How a decoder is trained: loss weights, Adam's rate and schedule, batches, crops and checkpoints.</summary>
public sealed record DecoderTrainingOptions
{
    /// <summary>Passes over the training images.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Crops per mini-batch.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>The side of the square crops the decoder is trained on (a multiple of the layer's stride).</summary>
    public int CropSize { get; init; } = 128;

    /// <summary>Random crops taken from each image per epoch.</summary>
    public int CropsPerImage { get; init; } = 4;

    /// <summary>Crop sides as fractions of the image's shorter side; each crop picks one at random, then is resized to <see cref="CropSize"/>.</summary>
    public IReadOnlyList<double> Scales { get; init; } = [1.0, 0.7, 0.5];

    /// <summary>Adam's learning rate at the start; a cosine schedule lowers it to a tenth by the last epoch.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The weight of the pixel loss: mean squared error of the images scaled to 0–1.</summary>
    public double PixelWeight { get; init; } = 1;

    /// <summary>The weight of the feature loss: ‖Φ(x̂) − Φ(x)‖² / ‖Φ(x)‖² through the frozen backbone layer.</summary>
    public double FeatureWeight { get; init; } = 0.05;

    /// <summary>Seeds the decoder's initial weights and the crops (epoch e uses <c>Seed + e</c>, so a resumed run draws the same crops).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Stop after this many optimisation steps in all (across resumes); null for none.</summary>
    public int? MaximumSteps { get; init; }

    /// <summary>Stop after this much training time in this run; null for none.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>If set, a checkpoint (decoder, Adam state and position) is written here after every epoch and when training stops.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is out of range.</exception>
    public void Validate()
    {
        Require(Epochs is >= 1 and <= 100_000, nameof(Epochs), "between 1 and 100000");
        Require(BatchSize is >= 1 and <= 1024, nameof(BatchSize), "between 1 and 1024");
        Require(CropSize is >= 8 and <= 4096, nameof(CropSize), "between 8 and 4096");
        Require(CropsPerImage is >= 1 and <= 1000, nameof(CropsPerImage), "between 1 and 1000");
        Require(Scales is { Count: > 0 } && Scales.All(s => s is > 0 and <= 1), nameof(Scales), "a non-empty list of fractions in (0, 1]");
        Require(LearningRate is > 0 and < 1, nameof(LearningRate), "in (0, 1)");
        Require(PixelWeight >= 0 && FeatureWeight >= 0 && PixelWeight + FeatureWeight > 0, nameof(PixelWeight), "non-negative, with PixelWeight + FeatureWeight > 0");
        Require(MaximumSteps is null or >= 1, nameof(MaximumSteps), "positive");
        Require(TimeLimit is null || TimeLimit > TimeSpan.Zero, nameof(TimeLimit), "positive");
    }

    /// <summary>The learning rate during <paramref name="epoch"/> (0-based): cosine from the rate to a tenth of it.</summary>
    public double LearningRateAt(int epoch) =>
        LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, Epochs - 1))));

    private static void Require(bool ok, string field, string what)
    {
        if (!ok)
            throw new ArgumentOutOfRangeException(field, $"{field} must be {what}.");
    }
}
