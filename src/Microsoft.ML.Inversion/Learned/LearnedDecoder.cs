using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>
/// A decoder for one layer of one backbone: its module, what it was built for, and its file format (a JSON file with
/// the architecture plus a weights file beside it). Train one with <see cref="DecoderTrainer"/>, use it with
/// <see cref="LearnedInverter"/>.
/// </summary>
public sealed class LearnedDecoder : IDisposable
{
    private LearnedDecoder(InversionDecoder module, string layer, string backboneName, int trainingSize)
    {
        Module = module;
        Layer = layer;
        BackboneName = backboneName;
        TrainingSize = trainingSize;
    }

    /// <summary>The layer's canonical name.</summary>
    public string Layer { get; }

    /// <summary>The name of the backbone whose layer the decoder inverts.</summary>
    public string BackboneName { get; }

    /// <summary>The side of the crops it was trained on.</summary>
    public int TrainingSize { get; }

    /// <summary>The module's architecture.</summary>
    public DecoderArchitecture Architecture => Module.Architecture;

    /// <summary>The module (owned by this decoder).</summary>
    public InversionDecoder Module { get; }

    /// <summary>A decoder with fresh random weights for the backbone's layer (architecture from its geometry at the training size).</summary>
    /// <exception cref="NotSupportedException">The layer is not a spatial network layer with a power-of-2 stride.</exception>
    public static LearnedDecoder Create(Backbone backbone, string layer, int trainingSize, long seed)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        var architecture = DecoderArchitecture.For(LayerGeometry.Of(backbone, layer, trainingSize, trainingSize));
        random.manual_seed(seed);
        var module = new InversionDecoder(architecture);
        module.to(backbone.Device);
        return new LearnedDecoder(module, backbone.ResolveLayer(layer), backbone.Name, trainingSize);
    }

    /// <summary>Reconstructs RGB 0–255 images [N, 3, s·h, s·w] from features [N, C, h, w] in one forward pass (no gradients).</summary>
    public Tensor Decode(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 4 || features.shape[1] != Architecture.InputChannels)
            throw new ArgumentException($"The decoder for layer '{Layer}' expects features [N, {Architecture.InputChannels}, h, w]; got [{string.Join(", ", features.shape)}].", nameof(features));
        using var noGrad = no_grad();
        Module.eval();
        return Module.forward(features);
    }

    /// <summary>Checks that the decoder belongs to this backbone's layer.</summary>
    /// <exception cref="ArgumentException">It was trained for another backbone or layer.</exception>
    public void CheckFits(Backbone backbone, string layer)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        if (backbone.Name != BackboneName || backbone.ResolveLayer(layer) != Layer)
            throw new ArgumentException($"The decoder was trained for layer '{Layer}' of '{BackboneName}', not '{layer}' of '{backbone.Name}'.", nameof(layer));
    }

    /// <summary>Saves the decoder: <paramref name="path"/> (JSON) and <c>path + ".weights"</c>.</summary>
    public void Save(string path) => Save(path, null);

    /// <summary>Loads a decoder saved with <see cref="Save(string)"/> (or a training checkpoint) onto <paramref name="device"/> (default the CPU).</summary>
    /// <exception cref="FileNotFoundException">The file or its weights are missing.</exception>
    /// <exception cref="InvalidDataException">The file is not a saved decoder.</exception>
    public static LearnedDecoder Load(string path, Device? device = null) => Load(DecoderFile.Read(path), path, device);

    /// <summary>Releases the module.</summary>
    public void Dispose() => Module.Dispose();

    internal void Save(string path, TrainingPosition? position)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Module.save(DecoderFile.WeightsPath(path));
        new DecoderFile(DecoderFile.FormatName, DecoderFile.CurrentVersion, Layer, BackboneName, TrainingSize, Architecture, position).Write(path);
    }

    internal static LearnedDecoder Load(DecoderFile file, string path, Device? device)
    {
        var module = new InversionDecoder(file.Architecture);
        try
        {
            module.load(DecoderFile.WeightsPath(path));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            module.Dispose();
            throw new InvalidDataException($"Decoder '{path}': its weights do not match its architecture: {e.Message}", e);
        }
        module.to(device ?? CPU);
        return new LearnedDecoder(module, file.Layer, file.Backbone, file.TrainingSize);
    }
}
