using System.Globalization;
using System.Text;

namespace Microsoft.ML.Inversion.Tool.CommandLine;

/// <summary>The command's arguments; <see cref="Options"/> is the one table that parsing and help share.</summary>
internal sealed record ToolArguments
{
    public string? Image { get; init; }

    public IReadOnlyList<string>? Layers { get; init; }

    public int? Iterations { get; init; }

    public string Preset { get; init; } = "default";

    public string Precision { get; init; } = "auto";

    public string Method { get; init; } = "ours";

    public string Out { get; init; } = "";

    public string? Model { get; init; }

    public string? Representation { get; init; }

    public bool ListLayers { get; init; }

    public string Task { get; init; } = "invert";

    public IReadOnlyList<long> Channels { get; init; } = [0, 1, 2, 3, 4];

    public IReadOnlyList<long>? Positions { get; init; }

    public bool Help { get; init; }

    public float[] Mean { get; init; } = [0.485f, 0.456f, 0.406f];

    public float[] Std { get; init; } = [0.229f, 0.224f, 0.225f];

    public double ValueRange { get; init; } = 1;

    public bool Bgr { get; init; }

    public string? TrainImages { get; init; }

    public string? Decoder { get; init; }

    public int Epochs { get; init; } = 30;

    public int Refine { get; init; }

    /// <summary>Every option, in the order help lists them.</summary>
    public static IReadOnlyList<ToolOption> Options { get; } =
    [
        new("--image", "PATH", "the bundled astronaut photograph", "the photograph to invert (PNG, JPEG, BMP, …)", (a, v) => a with { Image = v }),
        new("--layers", "a,b,c", "conv1,pool1,stage1,stage2,stage3,stage4,pool5; five spread layers for --model", "aliases, ONNX node names or module paths",
            (a, v) => a with { Layers = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) }),
        new("--layer", "NAME", "stage3 for maximize and caricature", "one layer (same as --layers NAME)", (a, v) => a with { Layers = [v] }),
        new("--iterations", "N", "the preset's: for the default 100 (conv1), 200 (stage2), 210 (pool5), 250 (pool1, stage1, stage3), 300 (stage4)", "optimisation steps per layer", (a, v) => a with { Iterations = Positive(v, "--iterations") }),
        new("--preset", "NAME", "default", "default, default-2026-11 (the previous default), ijcv2016, cvpr2015 or naive", (a, v) => a with { Preset = v }),
        new("--precision", "auto|float32", "auto", "auto: the preset's choice (the default runs pool1–pool5 in bfloat16 where the CPU has native bfloat16); float32: every step in float32",
            (a, v) => a with { Precision = OneOf(v, "--precision", "auto", "float32") }),
        new("--method", "ours|naive|both|learned", "ours", "both also runs plain gradient descent beside the preset, for comparison; learned decodes with a trained decoder (Dosovitskiy & Brox 2016)",
            (a, v) => a with { Method = OneOf(v, "--method", "ours", "naive", "both", "learned") }),
        new("--train-images", "DIR", "none", "--method learned: train a decoder per layer on the photographs in DIR (saved in --out)", (a, v) => a with { TrainImages = v }),
        new("--decoder", "FILE", "none", "--method learned: use a saved decoder (a .decoder file with its .weights beside it)", (a, v) => a with { Decoder = v }),
        new("--epochs", "N", "30", "--method learned with --train-images: training passes over the photographs", (a, v) => a with { Epochs = Positive(v, "--epochs") }),
        new("--refine", "K", "0", "--method learned: optimisation steps from the decoder's output", (a, v) => a with { Refine = NonNegative(v, "--refine") }),
        new("--task", "invert|maximize|caricature", "invert", "maximize: images that make channels fire; caricature: amplify what a layer sees",
            (a, v) => a with { Task = OneOf(v, "--task", "invert", "maximize", "caricature") }),
        new("--channels", "a,b,c", "0,1,2,3,4", "the channels --task maximize shows (also --channel K)", (a, v) => a with { Channels = v.Split(',').Select(Channel).ToArray() }),
        new("--channel", "K", "0", "one channel for --task maximize", (a, v) => a with { Channels = [Channel(v)] }),
        new("--positions", "a,b,c", "none (each channel's mean)", "--task maximize one unit per channel: a token's index, or y·W + x of a map (one per channel, or one for all)",
            (a, v) => a with { Positions = v.Split(',').Select(p => Whole(p, "--positions")).ToArray() }),
        new("--model", "PATH", "the built-in ImageNet ResNet18", "your ONNX network (ImageNet preprocessing)", (a, v) => a with { Model = v }),
        new("--mean", "r,g,b", "0.485,0.456,0.406 (ImageNet)", "--model's per-channel mean, in its value range and RGB order", (a, v) => a with { Mean = Triple(v, "--mean") }),
        new("--std", "r,g,b", "0.229,0.224,0.225 (ImageNet)", "--model's per-channel standard deviation", (a, v) => a with { Std = Triple(v, "--std") }),
        new("--range", "1|255", "1", "--model's value of a full-intensity channel before the mean is subtracted (1 or 255)",
            (a, v) => a with { ValueRange = OneOf(v, "--range", "1", "255") == "1" ? 1 : 255 }),
        new("--bgr", "", "off (RGB)", "--model reads BGR channels", (a, _) => a with { Bgr = true }),
        new("--representation", "hog|hogb|hog-dt|dsift", "none", "invert HOG or dense SIFT instead of a network", (a, v) => a with { Representation = v }),
        new("--out", "DIR", "inversion-out", "where the images, contact sheet, summary.json and report.html go", (a, v) => a with { Out = v }),
        new("--list-layers", "", "off", "print every layer (name, operator, shape at the input size, aliases) and stop", (a, _) => a with { ListLayers = true }),
        new("--help", "", "off", "print this help (also -h)", (a, _) => a with { Help = true }),
    ];

    /// <summary>Parses the command line.</summary>
    /// <exception cref="UsageException">An unknown option, a missing or malformed value, or conflicting options.</exception>
    public static ToolArguments Parse(IReadOnlyList<string> args, string defaultOut)
    {
        var result = new ToolArguments { Out = defaultOut };
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i] == "-h" ? "--help" : args[i];
            ToolOption option = Options.FirstOrDefault(o => o.Name == name)
                ?? throw new UsageException($"unknown option '{args[i]}' (see --help)");
            if (!option.IsSwitch && i + 1 >= args.Count)
                throw new UsageException($"{option.Name} needs {option.Value} (see --help)");
            result = option.Apply(result, option.IsSwitch ? "" : args[++i]);
        }
        if (result.Model is not null && result.Representation is not null)
            throw new UsageException("--model and --representation both choose what to invert; give one");
        if (result.Method == "learned" && (result.TrainImages is null) == (result.Decoder is null))
            throw new UsageException("--method learned needs either --train-images DIR or --decoder FILE");
        if (result.Method != "learned" && (result.TrainImages ?? result.Decoder) is not null)
            throw new UsageException("--train-images and --decoder apply to --method learned");
        return result;
    }

    /// <summary>Every option with what it takes, its default and what it does.</summary>
    public static string HelpText(string program, string defaultOut)
    {
        var text = new StringBuilder($"usage: {program} [options]\n\nReconstructs a photograph from each layer of a network and writes the images, a contact sheet,\nsummary.json and report.html.\n\noptions:\n");
        int width = Options.Max(o => Signature(o).Length);
        foreach (var option in Options)
            text.Append(CultureInfo.InvariantCulture, $"  {Signature(option).PadRight(width)}  {option.Help} (default: {(option.Name == "--out" ? defaultOut : option.Default)})\n");
        return text.ToString();
    }

    private static string Signature(ToolOption option) => option.IsSwitch ? option.Name : $"{option.Name} {option.Value}";

    private static int Positive(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new UsageException($"{option} needs a positive whole number, not '{text}'");

    private static float[] Triple(string text, string option)
    {
        string[] parts = text.Split(',');
        var values = parts.Select(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v) ? v : float.NaN).ToArray();
        return values.Length == 3 && values.All(float.IsFinite) ? values : throw new UsageException($"{option} needs three numbers r,g,b, not '{text}'");
    }

    private static int NonNegative(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new UsageException($"{option} needs a whole number, not '{text}'");

    private static long Channel(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long channel) ? channel : throw new UsageException($"--channel needs non-negative whole numbers, not '{text}'");

    private static long Whole(string text, string option) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : throw new UsageException($"{option} needs non-negative whole numbers, not '{text}'");

    private static string OneOf(string value, string option, params string[] allowed) =>
        allowed.Contains(value) ? value : throw new UsageException($"{option} must be {string.Join(", ", allowed[..^1])} or {allowed[^1]}, not '{value}'");
}
