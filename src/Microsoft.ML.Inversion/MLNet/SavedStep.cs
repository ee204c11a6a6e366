using System.Text.Json;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The JSON file a row step is saved to: a format name and version, and the step's options (which include the
/// reference to its backbone).
/// </summary>
internal static class SavedStep
{
    // Unknown fields are errors: a hand-edited typo, or a step saved by an older version with fields this one lacks
    // (e.g. the caricature "Task" of the inversion step), must not load as something else.
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true, WriteIndented = true, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    private sealed record Envelope<TOptions>(string Format, int Version, string? InputKind, TOptions? Options);

    public static void Write<TOptions>(string path, string format, int version, string? inputKind, TOptions options) =>
        File.WriteAllText(path, JsonSerializer.Serialize(new Envelope<TOptions>(format, version, inputKind, options), Json));

    /// <summary>Reads a saved step's options and input kind, with clear errors for missing, foreign or newer files.</summary>
    public static (TOptions Options, string? InputKind) Read<TOptions>(string path, string format, int version, string what)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Saved {what} '{path}' does not exist.", path);
        Envelope<TOptions>? saved;
        try
        {
            saved = JsonSerializer.Deserialize<Envelope<TOptions>>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a saved {what}: {e.Message}", e);
        }
        if (saved is null || saved.Format != format || saved.Options is null)
            throw new InvalidDataException($"'{path}' is not a saved {what} (expected format '{format}').");
        if (saved.Version > version)
            throw new InvalidDataException($"'{path}' was saved by a newer version (format {saved.Version}); this library reads format {version}.");
        return (saved.Options, saved.InputKind);
    }
}
