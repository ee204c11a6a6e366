using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The fitted inversion step: for each row it reconstructs an image from a layer's representation of the input
/// column (an image, or a stored feature vector) and adds it as an <c>MLImage</c> column, with optional feature-error
/// and iteration columns (see <see cref="RowStepTransformer{TOptions}"/> for what every step shares).
/// </summary>
public sealed class ImageInversionTransformer : RowStepTransformer<ImageInversionOptions>
{
    private static readonly (string, int) FileFormat = ("Microsoft.ML.Inversion.ImageInversionTransformer", 1);

    internal ImageInversionTransformer(IHostEnvironment environment, ImageInversionOptions options, Backbone backbone, InversionInputKind inputKind, bool ownsBackbone = true)
        : base(environment, options, backbone, ownsBackbone)
    {
        InputKind = inputKind;
        Layer = backbone.ResolveLayer(options.Layer);
        LayerShape = backbone.DescribeLayer(options.Layer, ImageHeight, ImageWidth).Shape;
    }

    /// <summary>The input column's name.</summary>
    public string InputColumnName => Options.InputColumn;

    /// <summary>The inverted layer's canonical name.</summary>
    public string Layer { get; }

    /// <summary>The layer's output shape at the reconstruction size.</summary>
    public IReadOnlyList<long> LayerShape { get; }

    /// <summary>Whether the input column holds images or feature vectors.</summary>
    public bool InvertsFeatureVectors => InputKind == InversionInputKind.Features;

    internal InversionInputKind InputKind { get; }

    private protected override (string Name, int Version) Format => FileFormat;

    private protected override string? SavedInputKind => InputKind.ToString();

    /// <summary>Loads a step saved with <see cref="RowStepTransformer{TOptions}.SaveTo"/>; it behaves exactly like the saved one.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a saved inversion step, or a field is invalid.</exception>
    public static ImageInversionTransformer Load(IHostEnvironment environment, string path) =>
        Load(environment, path, FileFormat, "inversion step", (options, kind, backbone) => new ImageInversionTransformer(environment, options, backbone, ParseKind(kind, path)));

    /// <summary>
    /// This step with another <see cref="RowStepOptions.Seed"/>, sharing this one's network instead of loading it
    /// again: for running slices of one dataset. A slice that starts at row a of the whole, transformed by
    /// <c>WithSeed(Seed + a)</c>, gives each row the image one Transform over the whole dataset gives it.
    /// </summary>
    /// <remarks>The copy does not own the network: dispose it before this step, and use it while this step is alive.</remarks>
    public ImageInversionTransformer WithSeed(long seed)
    {
        var options = (ImageInversionOptions)Options.Clone();
        options.Seed = seed;
        return new ImageInversionTransformer(Environment, options, Backbone, InputKind, ownsBackbone: false);
    }

    private protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        ImageRows.CheckPathColumn(inputSchema, Options);
        var column = inputSchema[Options.InputColumn];
        if (KindOf(column.Type, Options.InputColumn, LayerShape, Options.Layer, ImageHeight, ImageWidth) != InputKind)
            throw SchemaErrors.Mismatch(Options.InputColumn, InvertsFeatureVectors ? "feature vectors (the step was fitted on them)" : "an image (the step was fitted on images)", $"{column.Type}");
    }

    private protected override Func<string?>? CreateSourceReader(DataViewRow row) => ImageRows.PathReader(row, Options);

    private protected override Func<object?> CreateReader(DataViewRow row)
    {
        if (InputKind == InversionInputKind.Image)
            return ImageRows.Reader(row, Options.InputColumn);
        return FeatureRows.Reader(row, Options.InputColumn);
    }

    private protected override PreparedRow Prepare(long row, object? value) =>
        InputKind == InversionInputKind.Image ? ImageRows.Prepare(row, value, Options, ImageHeight, ImageWidth) : FeatureRows.Prepare(row, value, Options.InputColumn);

    private protected override RowResult[] RunGood(IReadOnlyList<PreparedRow> rows)
    {
        using var scope = NewDisposeScope();
        Tensor batch = cat(rows.Select(r => r.Input!).ToArray(), 0);
        var inverter = new FeatureInverter(Backbone, Options.Layer, EngineOptions(rows[0].Row));
        using InversionResult result = InvertsFeatureVectors
            ? inverter.InvertFeatures(batch, ImageHeight, ImageWidth, SeedsOf(rows), Options.CancellationToken)
            : inverter.InvertImages(batch, SeedsOf(rows), Options.CancellationToken);
        return ToRowResults(result, rows, "inverted", Options.Layer);
    }

    /// <summary>What an input column of type <paramref name="type"/> holds, or ML.NET's schema-mismatch error.</summary>
    internal static InversionInputKind KindOf(DataViewType type, string column, IReadOnlyList<long> layerShape, string layer, int height, int width)
    {
        long length = layerShape.Aggregate(1L, (p, d) => p * d);
        if (type is ImageDataViewType)
            return InversionInputKind.Image;
        if (type is VectorDataViewType { ItemType: var item, Size: var size } && item == NumberDataViewType.Single && size == length)
            return InversionInputKind.Features;
        throw SchemaErrors.Mismatch(column, $"an image (MLImage) or a vector of {length} Single values (layer '{layer}', shape [{string.Join(", ", layerShape)}] at {width}×{height})", $"{type}");
    }

    private static InversionInputKind ParseKind(string? kind, string path) =>
        kind is null ? InversionInputKind.Image
            : Enum.TryParse(kind, ignoreCase: false, out InversionInputKind parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new InvalidDataException($"Saved inversion step '{path}' is invalid: InputKind '{kind}' is not one of {string.Join(", ", Enum.GetNames<InversionInputKind>())}.");
}
