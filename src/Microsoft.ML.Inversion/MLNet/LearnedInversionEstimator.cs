using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Learned;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Amortised inversion (Dosovitskiy &amp; Brox 2016) as a pipeline step: Fit trains a decoder from a layer's
/// representation back to the image on the training data; Transform reconstructs each row in one forward pass.
/// </summary>
/// <remarks>
/// <format type="text/markdown"><![CDATA[
/// ### Estimator characteristics
/// |  |  |
/// | -- | -- |
/// | Does this estimator need to look at the data to train its parameters? | Yes: Fit trains the decoder on the input column's images (streamed, one pass per epoch) |
/// | Input column data type | `MLImage` for Fit; `MLImage` or a known-size vector of `Single` (the layer's activations) for Transform |
/// | Output column data type | `MLImage` (RGB) of the output size; optional `Single` feature-error and `Int32` iteration columns |
/// | Required NuGet in addition to Microsoft.ML | Microsoft.ML.Inversion, a libtorch runtime, Microsoft.ML.DnnImageFeaturizer.ResNet18 for the built-in backbone |
/// | Exportable to ONNX | No |
///
/// Fit reads the training rows once per epoch and applies the bad-row policy to them: under Throw the first bad row
/// fails Fit with its index and reason, under Skip it is logged and left out. The transformer owns the backbone and
/// the decoder and must be disposed; SaveTo writes the decoder's weights beside the step's JSON.
/// ]]></format>
/// </remarks>
public sealed class LearnedInversionEstimator : RowStepEstimator<LearnedInversionOptions, LearnedInversionTransformer>
{
    /// <summary>Creates the estimator; prefer <c>mlContext.Transforms.TrainImageInverter(...)</c>.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public LearnedInversionEstimator(IHostEnvironment environment, LearnedInversionOptions options)
        : base(environment, options)
    {
    }

    private protected override void CheckInputShape(SchemaShape inputSchema)
    {
        var column = SchemaErrors.Find(inputSchema, Options.InputColumn);
        if (!ImageRows.IsImage(column))
            throw SchemaErrors.Mismatch(Options.InputColumn, "an image (MLImage) to train the decoder on", SchemaErrors.Describe(column));
    }

    private protected override LearnedInversionTransformer Create(Backbone backbone, IDataView input)
    {
        var trainer = new DecoderTrainer(backbone, Options.Layer, Options.Training) { Progress = Options.TrainingProgress };
        LearnedDecoder decoder = trainer.Train(() => TrainingImages(input), cancellationToken: Options.CancellationToken);
        try
        {
            return new LearnedInversionTransformer(Environment, Options, backbone, decoder);
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    // One pass over the input column's images as RGB 0–255 [1, 3, H, W], with the bad-row policy applied.
    private IEnumerable<Tensor> TrainingImages(IDataView input)
    {
        using var cursor = input.GetRowCursor(Options.InputColumns.Select(c => input.Schema[c]));
        var read = ImageRows.Reader(cursor, Options.InputColumn);
        var source = ImageRows.PathReader(cursor, Options);
        while (cursor.MoveNext())
        {
            string? problem;
            MLImage? image = null;
            try
            {
                image = (MLImage?)read();
                problem = ImageRows.Problem(image, Options);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problem = $"column '{Options.InputColumn}' could not be read: {e.Message}";
            }
            if (problem is not null)
            {
                string message = $"Training row {cursor.Position}{(source?.Invoke() is { } where ? $" ({where})" : "")}: {problem}";
                if (Options.BadRows == BadRowPolicy.Throw)
                    throw new InvalidOperationException(message + " (set BadRows = BadRowPolicy.Skip to leave such rows out of training).");
                using IChannel channel = Environment.Start(nameof(LearnedInversionEstimator));
                channel.Warning(MessageSensitivity.None, message + "; left out of training.");
                continue;
            }
            yield return Imaging.ImageTensors.FromMLImage(image!);
        }
    }
}
