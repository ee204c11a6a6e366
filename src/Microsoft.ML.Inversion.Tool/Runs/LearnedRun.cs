using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Learned;
using Microsoft.ML.Inversion.Tool.CommandLine;
using Microsoft.ML.Inversion.Tool.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tool.Runs;

/// <summary>--method learned: trains a decoder for the layer on --train-images (saved into --out) or loads --decoder, then decodes the photograph.</summary>
internal static class LearnedRun
{
    public static LayerRun DecodeOne(Backbone backbone, string layer, ToolArguments arguments, Tensor original, RunOutput output, ProgressTask task)
    {
        var losses = new List<double>();
        using LearnedDecoder decoder = arguments.Decoder is { } file ? LearnedDecoder.Load(file, backbone.Device) : Train(backbone, layer, arguments, losses, task);
        string settings = $"learned decoder ({(arguments.Decoder is null ? $"trained {losses.Count} steps on {arguments.TrainImages}" : $"from {arguments.Decoder}")}, " +
                          $"stem {decoder.Architecture.StemWidth}, blocks {string.Join("/", decoder.Architecture.Widths)}), refine {arguments.Refine}";
        using var scope = NewDisposeScope();
        using var result = new LearnedInverter(backbone, decoder, arguments.Refine).InvertImages(original);
        task.Value = task.MaxValue;
        return InversionRun.Measured(layer, "learned", result.Images, original, result.FeatureErrors[0], result.RefineSteps, result.Seconds, settings, [.. losses], output, "learned");
    }

    private static LearnedDecoder Train(Backbone backbone, string layer, ToolArguments arguments, List<double> losses, ProgressTask task)
    {
        var options = new DecoderTrainingOptions { Epochs = arguments.Epochs };
        task.MaxValue = options.Epochs;
        var decoder = new DecoderTrainer(backbone, layer, options)
        {
            Progress = new Reporter<DecoderTrainingProgress>(p => { losses.Add(p.Loss); task.Value = p.Epoch; }),
        }.Train(TrainingImages.FromFolder(arguments.TrainImages!));
        decoder.Save(Path.Combine(arguments.Out, $"{RunOutput.FileName(layer)}.decoder"));
        return decoder;
    }
}
