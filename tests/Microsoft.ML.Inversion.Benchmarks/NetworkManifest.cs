using System.Text.Json;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>One network in the manifest export_full_networks.py writes: an exported file, or why there is none.</summary>
/// <param name="Name">The TorchVision architecture (e.g. "resnet50").</param>
/// <param name="File">The .onnx file in the manifest's folder; null where nothing was exported.</param>
/// <param name="Opset">The opset it was exported at (14, or 13 where 14 failed).</param>
/// <param name="Input">The input shape at batch 1.</param>
/// <param name="Output">The graph's final output value.</param>
/// <param name="Mid">A float value at about the middle of the feature extractor.</param>
/// <param name="MidModule">The TorchVision module <paramref name="Mid"/> is the output of (e.g. "layer3.0").</param>
/// <param name="OpsetFallback">Why opset 14 failed, where the network was exported at 13.</param>
/// <param name="ExportError">The exporter's error, where it could write the network at no opset.</param>
/// <param name="Skipped">Why the exporter left the network out (manifests written before the importer read external data).</param>
/// <param name="Note">What the exporter noted about the file (e.g. weights written as external data).</param>
internal sealed record ExportedNetwork(
    string Name, string? File, long Opset, long[] Input, string Output, string? Mid, string? MidModule,
    string? OpsetFallback, string? ExportError, string? Skipped, string? Note);

/// <summary>Reads networks.json, the manifest of a folder of full-size networks.</summary>
internal static class NetworkManifest
{
    /// <summary>The manifest's file name in the folder.</summary>
    public const string FileName = "networks.json";

    /// <summary>
    /// Every network in <paramref name="folder"/>'s manifest, the exporter's versions ("torch 1.13.1, …") and the
    /// export commands that wrote it.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder has no manifest.</exception>
    /// <exception cref="InvalidDataException">The manifest is not the JSON object the export script writes.</exception>
    public static (IReadOnlyList<ExportedNetwork> Networks, string Exporter, IReadOnlyList<string> Commands) Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"'{path}' does not exist: export the networks first with " +
                $"/usr/bin/python3 tests/Microsoft.ML.Inversion.Benchmarks/export_full_networks.py --out {folder}", path);
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"'{path}' is not a JSON object of networks by name.");
        var networks = new List<ExportedNetwork>();
        string exporter = "unknown exporter";
        var commands = new List<string>();
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Name == "_exporter")
                exporter = property.Value.GetString() ?? exporter;
            if (property.Name == "_commands" && property.Value.ValueKind == JsonValueKind.Array)
                commands.AddRange(property.Value.EnumerateArray().Select(c => c.GetString() ?? ""));
            if (property.Name.StartsWith('_'))
                continue;
            try
            {
                networks.Add(Parse(property.Name, property.Value));
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw new InvalidDataException($"'{path}': the entry for '{property.Name}' is not what export_full_networks.py writes " +
                                               $"(a file, opset, input, output and mid value, or an error or skip reason): {e.Message}", e);
            }
        }
        return (networks, exporter, commands);
    }

    private static ExportedNetwork Parse(string name, JsonElement entry)
    {
        string? Text(string key) => entry.TryGetProperty(key, out JsonElement value) ? value.GetString() : null;
        string? file = Text("file");
        long opset = entry.TryGetProperty("opset", out JsonElement o) ? o.GetInt64() : 0;
        long[] input = entry.TryGetProperty("input", out JsonElement i) ? i.EnumerateArray().Select(d => d.GetInt64()).ToArray() : [];
        if (file is not null && (input.Length != 4 || Text("mid") is null))
            throw new FormatException($"an exported network needs a 4-dimensional input and a mid value; found input [{string.Join(", ", input)}]");
        return new ExportedNetwork(name, file, opset, input, Text("output") ?? "output", Text("mid"), Text("midModule"),
            Text("opsetFallback"), Text("error"), Text("skipped"), Text("note"));
    }
}
