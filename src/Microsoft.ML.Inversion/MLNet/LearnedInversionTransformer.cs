using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Learned;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The fitted learned inversion step: for each row, the trained decoder reconstructs an image from the layer's
/// representation of the input column (an image, or a stored feature vector of the layer's size) in one forward
/// pass, in batches, optionally refined by <see cref="LearnedInversionOptions.RefineSteps"/> optimisation steps.
/// </summary>
public sealed class LearnedInversionTransformer : RowStepTransformer<LearnedInversionOptions>
{
    private static readonly (string, int) FileFormat = ("Microsoft.ML.Inversion.LearnedInversionTransformer", 1);

    internal LearnedInversionTransformer(IHostEnvironment environment, LearnedInversionOptions options, Backbone backbone, LearnedDecoder decoder)
        : base(environment, options, backbone)
    {
        decoder.CheckFits(backbone, options.Layer);
        Decoder = decoder;
        Layer = backbone.ResolveLayer(options.Layer);
        LayerShape = backbone.DescribeLayer(options.Layer, ImageHeight, ImageWidth).Shape;
    }

    /// <summary>The input column's name.</summary>
    public string InputColumnName => Options.InputColumn;

    /// <summary>The inverted layer's canonical name.</summary>
    public string Layer { get; }

    /// <summary>The layer's output shape at the reconstruction size (a feature-vector input holds this many values).</summary>
    public IReadOnlyList<long> LayerShape { get; }

    /// <summary>The trained decoder (owned by the transformer).</summary>
    public LearnedDecoder Decoder { get; }

    private protected override (string Name, int Version) Format => FileFormat;

    /// <summary>
    /// Loads a step saved with <see cref="RowStepTransformer{TOptions}.SaveTo"/> and the decoder saved beside it
    /// (<c>path + ".decoder"</c> and its weights); it reconstructs exactly like the saved one.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file or its decoder does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a saved learned inversion step, or a field is invalid.</exception>
    public static LearnedInversionTransformer Load(IHostEnvironment environment, string path) =>
        Load(environment, path, FileFormat, "learned inversion step", (options, _, backbone) =>
        {
            var decoder = LearnedDecoder.Load(DecoderPath(path), backbone.Device);
            try
            {
                return new LearnedInversionTransformer(environment, options, backbone, decoder);
            }
            catch
            {
                decoder.Dispose();
                throw;
            }
        });

    private static string DecoderPath(string path) => path + ".decoder";

    private protected override void SaveState(string path) => Decoder.Save(DecoderPath(path));

    private protected override void DisposeState() => Decoder.Dispose();

    private protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        ImageRows.CheckPathColumn(inputSchema, Options);
        ImageInversionTransformer.KindOf(inputSchema[Options.InputColumn].Type, Options.InputColumn, LayerShape, Options.Layer, ImageHeight, ImageWidth);
    }

    private protected override Func<string?>? CreateSourceReader(DataViewRow row) => ImageRows.PathReader(row, Options);

    private protected override Func<object?> CreateReader(DataViewRow row) =>
        row.Schema[Options.InputColumn].Type is ImageDataViewType ? ImageRows.Reader(row, Options.InputColumn) : FeatureRows.Reader(row, Options.InputColumn);

    private protected override PreparedRow Prepare(long row, object? value) =>
        value is VBuffer<float> ? FeatureRows.Prepare(row, value, Options.InputColumn) : ImageRows.Prepare(row, value, Options, ImageHeight, ImageWidth);

    private protected override RowResult[] RunGood(IReadOnlyList<PreparedRow> rows)
    {
        using var scope = NewDisposeScope();
        Tensor batch = cat(rows.Select(r => r.Input!).ToArray(), 0);
        var refinement = LearnedInverter.RefinementOptions(Options.RefineSteps);
        refinement.Preset = Preset;
        refinement.Seed = Options.Seed;
        var inverter = new LearnedInverter(Backbone, Decoder, Options.RefineSteps, refinement);
        bool images = batch.dim() == 4 && batch.shape[1] == 3 && batch.shape[2] == ImageHeight && batch.shape[3] == ImageWidth;
        using LearnedInversionResult result = images
            ? inverter.InvertImages(batch, SeedsOf(rows), Options.CancellationToken)
            : inverter.InvertFeatures(batch, ImageHeight, ImageWidth, SeedsOf(rows), Options.CancellationToken);
        return ToRowResults(result.Images, result.FeatureErrors, "feature error", result.RefineSteps, result.Seconds, rows, "decoded", Options.Layer);
    }
}
