using System.Text.Json.Serialization;
using Microsoft.ML.Inversion.Engine;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Options of <see cref="ImageInversionEstimator"/>: which layer of which backbone to invert, how, and what the
/// output columns look like. Every field has a documented default.
/// </summary>
public sealed class ImageInversionOptions
{
    /// <summary>Defaults shared by the options and the catalog methods.</summary>
    public static class Defaults
    {
        /// <summary>The layer inverted when none is named: a mid-depth stage of the built-in ResNet18.</summary>
        public const string Layer = "stage3";

        /// <summary>The preset used when none is named.</summary>
        public const string Preset = "default";

        /// <summary>
        /// Rows optimised together. Measured on 2 CPU cores at stage2 (docs/benchmarks.md): batches of 4 run
        /// faster per image than single rows, while larger batches gain little and hold more memory.
        /// </summary>
        public const int BatchSize = 4;

        /// <summary>The random seed; row r starts from seed + r.</summary>
        public const long Seed = 1;

        /// <summary>Images smaller than this (either side) are bad rows: they carry too little to invert.</summary>
        public const int MinimumImageSize = 32;
    }

    /// <summary>The reconstructed-image column to create (an <c>MLImage</c> column).</summary>
    public string OutputColumnName = "Reconstruction";

    /// <summary>
    /// The input column: an image column (<c>MLImage</c>, from LoadImages/ResizeImages), whose layer activations
    /// are the target, or a known-size <c>float</c> vector column holding the layer's activations (an embedding).
    /// Default: <see cref="OutputColumnName"/>.
    /// </summary>
    public string? InputColumnName;

    /// <summary>What to make of each image: a reconstruction (default) or a caricature.</summary>
    public ImageInversionTask Task = ImageInversionTask.Reconstruct;

    /// <summary>The layer to invert: a name, an ONNX node (output) name, a module path or an alias (<c>stage3</c>).</summary>
    public string Layer = Defaults.Layer;

    /// <summary>The network; default the built-in ImageNet ResNet18 (needs the Microsoft.ML.DnnImageFeaturizer.ResNet18 package).</summary>
    public BackboneReference Backbone = BackboneReference.BuiltInResNet18;

    /// <summary>The recipe: default, ijcv2016, cvpr2015 or naive.</summary>
    public string Preset = Defaults.Preset;

    /// <summary>Total optimisation steps per row; null keeps the preset's (350 for most).</summary>
    public int? Iterations;

    /// <summary>The random seed; the row at position r of the input starts from <c>Seed + r</c>, so results do not depend on batching.</summary>
    public long Seed = Defaults.Seed;

    /// <summary>How many rows are optimised together as one tensor.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>
    /// The width images are reconstructed at; input images of another size are scaled and centre-cropped to it.
    /// Default: the backbone's input width (224 for ResNet18). For feature-vector input it must match the size
    /// the features were computed at.
    /// </summary>
    public int? ImageWidth;

    /// <summary>The height images are reconstructed at (see <see cref="ImageWidth"/>).</summary>
    public int? ImageHeight;

    /// <summary>The width of the output images; default <see cref="ImageWidth"/>. Other sizes are resampled.</summary>
    public int? OutputWidth;

    /// <summary>The height of the output images; default <see cref="ImageHeight"/>.</summary>
    public int? OutputHeight;

    /// <summary>
    /// If set, a <c>float</c> column with each row's score: ‖Φ(x) − Φ0‖/‖Φ0‖ at the end of a reconstruction, or
    /// ⟨Φ(x), Φ0⟩/‖Φ0‖² of a caricature (1 for the image itself, more when amplified).
    /// </summary>
    public string? FeatureErrorColumnName;

    /// <summary>If set, an <c>int</c> column with the number of optimisation steps each row took.</summary>
    public string? IterationsColumnName;

    /// <summary>What to do with rows that cannot be inverted.</summary>
    public BadRowPolicy BadRows = BadRowPolicy.Throw;

    /// <summary>Whether grayscale images (all channels equal) are inverted as colour images instead of being bad rows.</summary>
    public bool AcceptGrayscale;

    /// <summary>Images smaller than this on either side are bad rows.</summary>
    public int MinimumImageSize = Defaults.MinimumImageSize;

    /// <summary>Receives progress (row, iteration, loss) while rows are optimised. Not saved.</summary>
    [JsonIgnore]
    public IProgress<InversionProgress>? Progress;

    /// <summary>Stops work between optimisation steps with <see cref="OperationCanceledException"/>. Not saved.</summary>
    [JsonIgnore]
    public CancellationToken CancellationToken;

    internal string InputColumn => InputColumnName ?? OutputColumnName;

    internal ImageInversionOptions Clone() => (ImageInversionOptions)MemberwiseClone();
}
