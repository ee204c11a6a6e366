using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Tool.CommandLine;
using Microsoft.ML.Inversion.Tool.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tool.Runs;

/// <summary>--task invert: reconstructs the photograph from each layer, with the preset and, when asked, naive.</summary>
internal static class InversionRun
{
    public static int Run(Backbone backbone, ToolArguments arguments, IReadOnlyList<string> layers, Tensor original, string imageName)
    {
        InversionPreset preset = InversionPreset.FromName(arguments.Preset);
        (string Method, InversionPreset Preset)[] methods = arguments.Method switch
        {
            "naive" => [("naive", InversionPreset.Naive)],
            "both" => [("ours", preset), ("naive", InversionPreset.Naive)],
            "learned" => [("learned", preset)],
            _ => [("ours", preset)],
        };
        using var output = new RunOutput(arguments.Out);
        string RowOf(string method) => method is "naive" or "learned" ? method : preset.Name;
        output.Save(original, "original.png", RowOf(methods[0].Method), "original");
        AnsiConsole.MarkupLine($"Inverting [bold]{Markup.Escape(imageName)}[/] at {layers.Count} layers of [bold]{Markup.Escape(backbone.Name)}[/] " +
                               $"({Markup.Escape(string.Join(" and ", methods.Select(m => m.Method == "ours" ? preset.Name : m.Method)))}) on {Environment.ProcessorCount} cores");
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                foreach (string layer in layers)
                    foreach (var (method, methodPreset) in methods)
                        output.Add(method == "learned"
                            ? LearnedRun.DecodeOne(backbone, layer, arguments, original, output, progress.AddTask($"{layer} {method}"))
                            : InvertOne(backbone, layer, method, methodPreset, arguments, original, output, RowOf(method), progress.AddTask($"{layer} {method}")));
            });

        var table = new Table().AddColumns("layer", "method", "feature error", "ncc", "roughness", "contrast", "seconds");
        foreach (var run in output.Runs)
            table.AddRow(run.Layer, run.Method, $"{run.Score:F3}", $"{run.Ncc:F3}", $"{run.Roughness:F2}", $"{run.Contrast:F2}", $"{run.Seconds:F1}");
        AnsiConsole.Write(table);
        output.Finish($"What {backbone.Name} keeps of {imageName}", "original.png");
        AnsiConsole.MarkupLine($"Wrote the contact sheet, report.html, summary.json and one PNG per layer in [bold]{Markup.Escape(arguments.Out)}[/]");
        return 0;
    }

    private static LayerRun InvertOne(Backbone backbone, string layer, string method, InversionPreset preset, ToolArguments arguments, Tensor original,
        RunOutput output, string sheetRow, ProgressTask task)
    {
        var options = new InversionOptions
        {
            Preset = preset,
            Iterations = arguments.Iterations,
            Execution = arguments.Precision == "float32" ? backbone.Float32OptimizationExecution : null,
            RecordLossCurve = true,
            ProgressInterval = 5,
            Progress = new Reporter<InversionProgress>(p => { task.MaxValue = p.Iterations; task.Value = p.Iteration; }),
        };
        using var scope = NewDisposeScope();
        using var result = new FeatureInverter(backbone, layer, options).InvertImages(original);
        task.Value = task.MaxValue;
        Tensor image = result.Images[0];
        return Measured(layer, method, image, original, result.FeatureErrors[0], result.Iterations, result.Seconds, result.Settings.Describe(), result.LossCurves![0], output, sheetRow);
    }

    /// <summary>Saves a reconstruction into the report and measures it against the original.</summary>
    internal static LayerRun Measured(string layer, string method, Tensor image, Tensor original, double featureError, int iterations, double seconds,
        string settings, double[] lossCurve, RunOutput output, string sheetRow)
    {
        string file = $"{RunOutput.FileName(layer)}-{method}.png";
        output.Save(image, file, sheetRow, $"{layer}\nerror {featureError:F2}");
        return new LayerRun
        {
            Layer = layer,
            Method = method,
            Image = file,
            ScoreName = "featureError",
            Score = featureError,
            FeatureError = featureError,
            Ncc = ImageMeasures.Ncc(image, original),
            Roughness = ImageMeasures.Roughness(image, original),
            Contrast = ImageMeasures.Contrast(image, original),
            Psnr = ImageMeasures.Psnr(image, original),
            Ssim = ImageMeasures.Ssim(image, original),
            Iterations = iterations,
            Seconds = seconds,
            Settings = settings,
            LossCurve = lossCurve,
        };
    }
}
