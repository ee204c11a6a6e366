using System.Globalization;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Onnx;
using Microsoft.ML.Inversion.Representations;
using Microsoft.ML.Inversion.Tool.CommandLine;
using Microsoft.ML.Inversion.Tool.Runs;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tool;

/// <summary>
/// The <c>inversion</c> command (the .NET tool and the quickstart sample run this one implementation): inverts,
/// maximises or caricatures at layers of the built-in ResNet18, an ONNX network or HOG/dense SIFT, and writes the
/// images, a contact sheet, summary.json and report.html. Mistakes print one line and return exit code 2.
/// </summary>
public static class InversionCommandLine
{
    /// <summary>Runs the command.</summary>
    /// <param name="args">The command line (see <c>--help</c>).</param>
    /// <param name="program">The program's name, for help.</param>
    /// <param name="defaultOut">The output folder when <c>--out</c> is not given.</param>
    /// <returns>0 on success, 2 on a mistake in the arguments or the input files.</returns>
    public static int Run(string[] args, string program = "inversion", string defaultOut = "inversion-out")
    {
        ArgumentNullException.ThrowIfNull(args);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            var arguments = ToolArguments.Parse(args, defaultOut);
            if (arguments.Help)
            {
                Console.Out.Write(ToolArguments.HelpText(program, defaultOut));
                return 0;
            }
            using Backbone backbone = arguments.Representation is { } representation ? HandcraftedBackbone.FromName(representation)
                : arguments.Model is null ? PretrainedBackbones.ResNet18()
                : OnnxBackbone.Load(arguments.Model, new ImagePreprocessing(arguments.Bgr ? ChannelOrder.Bgr : ChannelOrder.Rgb, arguments.ValueRange,
                    arguments.Bgr ? [.. arguments.Mean.Reverse()] : arguments.Mean, arguments.Bgr ? [.. arguments.Std.Reverse()] : arguments.Std));
            if (arguments.ListLayers)
                return LayerListing.Print(backbone);
            IReadOnlyList<string> layers = arguments.Layers ?? DefaultLayers(backbone, arguments);
            foreach (string layer in layers)
                backbone.ResolveLayer(layer);
            string imagePath = arguments.Image ?? Path.Combine(AppContext.BaseDirectory, "images", "astronaut.png");
            using Tensor original = ImageTensors.LoadCentered(imagePath, backbone.InputHeight, backbone.InputWidth);
            string imageName = Path.GetFileName(imagePath);
            return arguments.Task == "invert"
                ? InversionRun.Run(backbone, arguments, layers, original, imageName)
                : VisualizationRun.Run(backbone, arguments, layers, original, imageName);
        }
        catch (Exception e) when (e is UsageException or FileNotFoundException or DirectoryNotFoundException or OnnxImportException
            or UnknownLayerException or InvalidDataException or ArgumentException or UnauthorizedAccessException or NotSupportedException)
        {
            Console.Error.WriteLine($"error: {e.Message.Split('\n')[0]}");
            return 2;
        }
    }

    private static IReadOnlyList<string> DefaultLayers(Backbone backbone, ToolArguments arguments) =>
        backbone.IsHandcrafted ? [backbone.DescribeLayers()[0].Name]
        : arguments.Model is not null ? SpreadLayers(backbone)
        : arguments.Task != "invert" || arguments.Method == "learned" ? ["stage3"]
        : PretrainedBackbones.ResNet18Layers;

    // Without aliases, five layers spread through a user's network (its convolution and activation outputs).
    private static IReadOnlyList<string> SpreadLayers(Backbone backbone)
    {
        var candidates = backbone.DescribeLayers().Where(l => l.Operator is "Relu" or "Conv" or "MaxPool" or "LeakyRelu").Select(l => l.Name).ToArray();
        if (candidates.Length == 0)
            candidates = backbone.DescribeLayers().Select(l => l.Name).ToArray();
        int count = Math.Min(5, candidates.Length);
        return Enumerable.Range(0, count).Select(i => candidates[(int)Math.Round((double)i * (candidates.Length - 1) / Math.Max(1, count - 1))]).Distinct().ToArray();
    }
}
