using System.Text.Json.Serialization;
using Microsoft.ML.Inversion.Learned;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Options of <see cref="LearnedInversionEstimator"/>: the layer to learn to invert, how the decoder is trained at
/// Fit, and whether Transform refines the decoder's output. <see cref="RowStepOptions.Preset"/> is the energy
/// refinement optimises; <see cref="RowStepOptions.Iterations"/> must stay null (use <see cref="RefineSteps"/>).
/// </summary>
public sealed class LearnedInversionOptions : ImageInputOptions
{
    /// <summary>Defaults of the learned inversion step.</summary>
    public static new class Defaults
    {
        /// <summary>The reconstruction column.</summary>
        public const string OutputColumnName = "Reconstruction";

        /// <summary>The layer whose decoder is learned when none is named.</summary>
        public const string Layer = "stage3";

        /// <summary>Rows decoded together (the decoder is cheap: larger batches than the optimising steps).</summary>
        public const int BatchSize = 16;
    }

    /// <summary>Creates options with the defaults.</summary>
    public LearnedInversionOptions()
    {
        OutputColumnName = Defaults.OutputColumnName;
        Layer = Defaults.Layer;
        BatchSize = Defaults.BatchSize;
    }

    /// <summary>How Fit trains the decoder (epochs, batch, crops, rates, limits, checkpoint); see <see cref="DecoderTrainingOptions"/>.</summary>
    public DecoderTrainingOptions Training = new();

    /// <summary>Optimisation steps Transform runs from the decoder's output (0: the decoder alone, one forward pass).</summary>
    public int RefineSteps;

    /// <summary>If set, a <c>float</c> column with each row's feature error ‖Φ(x) − Φ0‖/‖Φ0‖ of the returned image.</summary>
    public string? FeatureErrorColumnName;

    /// <summary>Receives a report after every training step of Fit. Not saved.</summary>
    [JsonIgnore]
    public IProgress<DecoderTrainingProgress>? TrainingProgress;

    internal override string? ScoreColumnName => FeatureErrorColumnName;

    internal override void Validate()
    {
        base.Validate();
        if (Iterations is not null)
            throw new ArgumentException("Iterations does not apply to the learned step: set RefineSteps for optimisation after the decoder.", nameof(Iterations));
        RequireRange(RefineSteps, 0, RowStepOptions.Defaults.MaximumIterations, nameof(RefineSteps));
        if (Training is null)
            throw new ArgumentNullException(nameof(Training), "Training must hold the decoder's training options.");
        Training.Validate();
    }
}
