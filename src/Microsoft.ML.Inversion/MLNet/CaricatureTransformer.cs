using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The fitted caricature step: for each row it amplifies what a layer sees in the row's image (IJCV 2016) and adds
/// the caricature as an <c>MLImage</c> column, with optional amplification and iteration columns.
/// </summary>
public sealed class CaricatureTransformer : RowStepTransformer<CaricatureOptions>
{
    private static readonly (string, int) FileFormat = ("Microsoft.ML.Inversion.CaricatureTransformer", 1);

    internal CaricatureTransformer(IHostEnvironment environment, CaricatureOptions options, Backbone backbone)
        : base(environment, options, backbone) =>
        backbone.DescribeLayer(options.Layer, ImageHeight, ImageWidth);

    private protected override (string Name, int Version) Format => FileFormat;

    /// <summary>Loads a step saved with <see cref="RowStepTransformer{TOptions}.SaveTo"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a saved caricature step, or a field is invalid.</exception>
    public static CaricatureTransformer Load(IHostEnvironment environment, string path) =>
        Load(environment, path, FileFormat, "caricature step", (options, _, backbone) => new CaricatureTransformer(environment, options, backbone));

    private protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        ImageRows.CheckPathColumn(inputSchema, Options);
        var column = inputSchema[Options.InputColumn];
        if (column.Type is not ImageDataViewType)
            throw SchemaErrors.Mismatch(Options.InputColumn, "an image (MLImage): a caricature starts from the image", $"{column.Type}");
    }

    private protected override Func<string?>? CreateSourceReader(DataViewRow row) => ImageRows.PathReader(row, Options);

    private protected override Func<object?> CreateReader(DataViewRow row) => ImageRows.Reader(row, Options.InputColumn);

    private protected override PreparedRow Prepare(long row, object? value) => ImageRows.Prepare(row, value, Options, ImageHeight, ImageWidth);

    private protected override RowResult[] RunGood(IReadOnlyList<PreparedRow> rows)
    {
        using var scope = NewDisposeScope();
        Tensor batch = cat(rows.Select(r => r.Input!).ToArray(), 0);
        using VisualizationResult result = new Caricaturist(Backbone, Options.Layer, EngineOptions(rows[0].Row))
            .Caricature(batch, SeedsOf(rows), Options.CancellationToken);
        return ToRowResults(result, rows, "caricatured", Options.Layer);
    }
}
