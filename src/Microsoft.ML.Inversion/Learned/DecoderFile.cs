using System.Text.Json;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>
/// The JSON half of a saved decoder: what built it (layer, backbone, architecture, training size) and, in a
/// checkpoint, where training stood. The weights (a TorchSharp state dict) lie beside it in <c>path + ".weights"</c>,
/// Adam's state in <c>path + ".adam"</c>.
/// </summary>
internal sealed record DecoderFile(string Format, int Version, string Layer, string Backbone, int TrainingSize, DecoderArchitecture Architecture,
    TrainingPosition? Training = null)
{
    public const string FormatName = "Microsoft.ML.Inversion.LearnedDecoder";

    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string WeightsPath(string path) => path + ".weights";

    public static string OptimizerPath(string path) => path + ".adam";

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a decoder file, with clear errors for missing, foreign or newer files.</summary>
    public static DecoderFile Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Decoder '{path}' does not exist.", path);
        if (!File.Exists(WeightsPath(path)))
            throw new FileNotFoundException($"Decoder '{path}' has no weights file '{WeightsPath(path)}' beside it.", WeightsPath(path));
        DecoderFile? file;
        try
        {
            file = JsonSerializer.Deserialize<DecoderFile>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a saved decoder: {e.Message}", e);
        }
        if (file is null || file.Format != FormatName || file.Architecture is null || string.IsNullOrEmpty(file.Layer))
            throw new InvalidDataException($"'{path}' is not a saved decoder (expected format '{FormatName}').");
        if (file.Version > CurrentVersion)
            throw new InvalidDataException($"'{path}' was saved by a newer version (format {file.Version}); this library reads format {CurrentVersion}.");
        file.Architecture.Validate();
        return file;
    }
}

/// <summary>Where a checkpointed training run stood.</summary>
/// <param name="Epoch">The epoch in progress (0-based).</param>
/// <param name="StepInEpoch">Steps of that epoch already taken.</param>
/// <param name="Step">Steps taken in all.</param>
/// <param name="Epochs">The run's number of epochs.</param>
internal sealed record TrainingPosition(int Epoch, int StepInEpoch, int Step, int Epochs);
