namespace Inversion.Quickstart;

/// <summary>A command-line mistake: printed as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The quickstart's command line.</summary>
internal sealed record QuickstartArguments
{
    public const string Usage =
        "usage: Inversion.Quickstart [--image PATH] [--layers a,b,c] [--iterations N] [--preset NAME] [--method ours|naive]\n" +
        "                            [--out DIR] [--model path.onnx | --representation hog|hogb|hog-dt|dsift] [--list-layers]\n" +
        "                            [--task invert|maximize|caricature] [--channel K | --channels a,b,c]";

    public string? Image { get; init; }

    public IReadOnlyList<string>? Layers { get; init; }

    public int? Iterations { get; init; }

    public string Preset { get; init; } = "default";

    public string Method { get; init; } = "ours";

    public string Out { get; init; } = Path.Combine("out", "quickstart");

    public string? Model { get; init; }

    public string? Representation { get; init; }

    public bool ListLayers { get; init; }

    public string Task { get; init; } = "invert";

    public IReadOnlyList<long>? Channels { get; init; }

    public static QuickstartArguments Parse(string[] args)
    {
        var result = new QuickstartArguments();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value.\n{Usage}");
            result = args[i] switch
            {
                "--image" => result with { Image = Value() },
                "--layers" => result with { Layers = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--iterations" => result with { Iterations = int.TryParse(Value(), out int n) && n > 0 ? n : throw new UsageException("--iterations needs a positive whole number.") },
                "--preset" => result with { Preset = Value() },
                "--method" => result with { Method = CheckMethod(Value()) },
                "--out" => result with { Out = Value() },
                "--model" => result with { Model = Value() },
                "--representation" => result with { Representation = Value() },
                "--list-layers" => result with { ListLayers = true },
                "--layer" => result with { Layers = [Value()] },
                "--task" => result with { Task = CheckTask(Value()) },
                "--channel" or "--channels" => result with { Channels = Value().Split(',').Select(ParseChannel).ToArray() },
                "--help" or "-h" => throw new UsageException(Usage),
                _ => throw new UsageException($"Unknown argument '{args[i]}'.\n{Usage}"),
            };
        }
        return result;
    }

    private static string CheckTask(string task) =>
        task is "invert" or "maximize" or "caricature" ? task : throw new UsageException($"--task must be invert, maximize or caricature, not '{task}'.");

    private static long ParseChannel(string text) =>
        long.TryParse(text, out long channel) && channel >= 0 ? channel : throw new UsageException($"--channel needs non-negative whole numbers, not '{text}'.");

    private static string CheckMethod(string method) =>
        method is "ours" or "naive" ? method : throw new UsageException($"--method must be 'ours' or 'naive', not '{method}'.");
}
