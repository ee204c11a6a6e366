using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Tool.CommandLine;
using Microsoft.ML.Inversion.Tool.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tool.Runs;

/// <summary>--task maximize (images that make channels fire) and --task caricature (amplify what a layer sees).</summary>
internal static class VisualizationRun
{
    public static int Run(Backbone backbone, ToolArguments arguments, IReadOnlyList<string> layers, Tensor original, string imageName)
    {
        var options = new InversionOptions { Preset = InversionPreset.FromName(arguments.Preset), Iterations = arguments.Iterations, RecordLossCurve = true };
        bool maximize = arguments.Task == "maximize";
        using var output = new RunOutput(arguments.Out);
        if (!maximize)
            output.Save(original, "original.png", arguments.Task, "original");
        foreach (string layer in layers)
        {
            AnsiConsole.MarkupLine($"{arguments.Task} at [bold]{Markup.Escape(layer)}[/] …");
            using var scope = NewDisposeScope();
            using VisualizationResult result = maximize
                ? Maximize(new ActivationMaximizer(backbone, layer, options), arguments)
                : new Caricaturist(backbone, layer, options).Caricature(original);
            for (int i = 0; i < result.Scores.Count; i++)
            {
                Tensor image = result.Images[i];
                string label = maximize ? $"{RunOutput.FileName(layer)}-ch{arguments.Channels[i]}{(arguments.Positions is null ? "" : $"-at{PositionOf(arguments, i)}")}" : RunOutput.FileName(layer);
                string file = $"{label}-{arguments.Task}.png";
                // Maximised images have no original: roughness and contrast are relative to the photograph's.
                double roughness = ImageMeasures.Roughness(image, original), contrast = ImageMeasures.Contrast(image, original);
                output.Save(image, file, arguments.Task, $"{label}\n{result.Scores[i]:F2}, r {roughness:F2}");
                output.Add(new LayerRun
                {
                    Layer = layer,
                    Method = arguments.Task,
                    Image = file,
                    Channel = maximize ? arguments.Channels[i] : null,
                    ScoreName = result.ScoreName,
                    Score = result.Scores[i],
                    Ncc = maximize ? null : ImageMeasures.Ncc(image, original),
                    Roughness = roughness,
                    Contrast = contrast,
                    Iterations = result.Iterations,
                    Seconds = result.Seconds / result.Scores.Count,
                    Settings = result.Settings.Describe(),
                    LossCurve = result.LossCurves![i],
                });
                AnsiConsole.MarkupLine($"  {Markup.Escape(label)}: {Markup.Escape(result.ScoreName)} {result.Scores[i]:F3}, roughness {roughness:F2}");
            }
        }
        output.Finish(maximize ? $"What makes channels of {backbone.Name} fire" : $"Caricatures of {imageName} by {backbone.Name}", maximize ? null : "original.png");
        AnsiConsole.MarkupLine($"Wrote the contact sheet, report.html and summary.json in [bold]{Markup.Escape(arguments.Out)}[/]");
        return 0;
    }

    private static VisualizationResult Maximize(ActivationMaximizer maximizer, ToolArguments arguments)
    {
        if (arguments.Positions is null)
            return maximizer.Maximize(arguments.Channels);
        if (arguments.Positions.Count != 1 && arguments.Positions.Count != arguments.Channels.Count)
            throw new UsageException($"--positions needs one position per channel ({arguments.Channels.Count}) or one for all, not {arguments.Positions.Count}");
        return maximizer.MaximizeUnits(arguments.Channels, arguments.Channels.Select((_, i) => PositionOf(arguments, i)).ToArray());
    }

    private static long PositionOf(ToolArguments arguments, int i) => arguments.Positions![arguments.Positions.Count == 1 ? 0 : i];
}
