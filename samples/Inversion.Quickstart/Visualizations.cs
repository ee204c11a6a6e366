using System.Text.Json;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace Inversion.Quickstart;

/// <summary>The quickstart's other tasks: activation maximisation (--task maximize) and caricatures (--task caricature).</summary>
internal static class Visualizations
{
    public static int Run(Backbone backbone, QuickstartArguments arguments, IReadOnlyList<string> layers)
    {
        Directory.CreateDirectory(arguments.Out);
        var options = new InversionOptions { Preset = InversionPreset.FromName(arguments.Preset), Iterations = arguments.Iterations };
        string imagePath = arguments.Image ?? Path.Combine(AppContext.BaseDirectory, "images", "astronaut.png");
        using Tensor original = ImageTensors.LoadCentered(imagePath, backbone.InputHeight, backbone.InputWidth);
        double naturalDifference = ImageMeasures.NeighbourDifference(original);
        var tiles = new List<ContactSheetTile>();
        var runs = new List<object>();
        var keep = new List<Tensor>();
        if (arguments.Task == "caricature")
            tiles.Add(new ContactSheetTile("original", original));
        foreach (string layer in layers)
        {
            AnsiConsole.MarkupLine($"{arguments.Task} at [bold]{Markup.Escape(layer)}[/] …");
            using VisualizationResult result = arguments.Task == "maximize"
                ? new ActivationMaximizer(backbone, layer, options).Maximize(arguments.Channels ?? [0, 1, 2, 3, 4])
                : new Caricaturist(backbone, layer, options).Caricature(original);
            for (int i = 0; i < result.Scores.Count; i++)
            {
                Tensor image = result.Images[i].clone().DetachFromDisposeScope();
                keep.Add(image);
                string label = arguments.Task == "maximize" ? $"{layer}-ch{arguments.Channels?[i] ?? i}" : layer;
                ImageTensors.Save(image, Path.Combine(arguments.Out, $"{label}-{arguments.Task}.png"));
                double roughness = ImageMeasures.NeighbourDifference(image) / naturalDifference;
                tiles.Add(new ContactSheetTile($"{label}\n{result.Scores[i]:F2}, r {roughness:F2}", image));
                runs.Add(new
                {
                    layer,
                    task = arguments.Task,
                    channel = arguments.Task == "maximize" ? arguments.Channels?[i] ?? i : (long?)null,
                    score = result.Scores[i],
                    scoreName = result.ScoreName,
                    roughness,
                    iterations = result.Iterations,
                    seconds = result.Seconds / result.Scores.Count
                });
                AnsiConsole.MarkupLine($"  {Markup.Escape(label)}: {Markup.Escape(result.ScoreName)} {result.Scores[i]:F3}, roughness {roughness:F2}");
            }
        }
        string sheet = Path.Combine(arguments.Out, $"{arguments.Task}-contact-sheet.png");
        ContactSheet.Save(sheet, [(arguments.Task, tiles)]);
        File.WriteAllText(Path.Combine(arguments.Out, "summary.json"), JsonSerializer.Serialize(runs, new JsonSerializerOptions { WriteIndented = true }));
        foreach (var image in keep)
            image.Dispose();
        AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(sheet)}[/] and summary.json in {Markup.Escape(arguments.Out)}");
        return 0;
    }
}
