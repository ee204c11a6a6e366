using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The fitted activation-maximisation step: for each row it generates the image that maximises the mean
/// activation of the row's channel (of the row's layer, or of <see cref="ActivationMaximizationOptions.Layer"/>)
/// and adds it as an <c>MLImage</c> column. Other columns pass through untouched; work happens lazily in the
/// cursor, batched, only when the image or score column is read.
/// </summary>
/// <remarks>The transformer owns its backbone: dispose it when done. Save it with <see cref="SaveTo"/>.</remarks>
public sealed class ActivationMaximizationTransformer : ITransformer, IDisposable, IRowStep
{
    private const string FormatName = "Microsoft.ML.Inversion.ActivationMaximizationTransformer";
    private const int FormatVersion = 1;

    private readonly IHostEnvironment _environment;

    internal ActivationMaximizationTransformer(IHostEnvironment environment, ActivationMaximizationOptions options, Backbone backbone)
    {
        _environment = environment;
        Options = options.Clone();
        Backbone = backbone;
        Preset = InversionPreset.FromName(options.Preset);
        ImageHeight = options.ImageHeight ?? backbone.InputHeight;
        ImageWidth = options.ImageWidth ?? backbone.InputWidth;
        if (options.LayerColumnName is null)
            ChannelCount(options.Layer);
    }

    /// <summary>The generated-image column's name.</summary>
    public string OutputColumnName => Options.OutputColumnName;

    /// <summary>The recipe.</summary>
    public InversionPreset Preset { get; }

    /// <summary>The height of the generated images.</summary>
    public int ImageHeight { get; }

    /// <summary>The width of the generated images.</summary>
    public int ImageWidth { get; }

    internal ActivationMaximizationOptions Options { get; }

    internal Backbone Backbone { get; }

    /// <summary>Always true: each output row depends on its input row alone.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the image column and the optional score columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The channel or layer column is missing.</exception>
    /// <exception cref="ArgumentException">The channel or layer column has the wrong type.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        var channel = inputSchema.GetColumnOrNull(Options.ChannelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find input column '{Options.ChannelColumnName}'.");
        if (!IsChannelType(channel.Type))
            throw new ArgumentException($"Schema mismatch for channel column '{Options.ChannelColumnName}': expected an integer, Single or Double scalar, got {channel.Type}.", nameof(inputSchema));
        if (Options.LayerColumnName is { } layerColumn)
        {
            var layer = inputSchema.GetColumnOrNull(layerColumn)
                ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find input column '{layerColumn}'.");
            if (layer.Type is not TextDataViewType)
                throw new ArgumentException($"Schema mismatch for layer column '{layerColumn}': expected text, got {layer.Type}.", nameof(inputSchema));
        }
        return RowStepSchema.WithOutputs(inputSchema, Options.OutputColumnName, ImageHeight, ImageWidth, Options.ActivationColumnName, Options.IterationsColumnName);
    }

    /// <summary>Returns a lazy view: nothing is optimised until a cursor reads the image or a score column.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new InversionDataView(this, input);
    }

    /// <summary>A row-to-row mapper (used by prediction engines); it computes one row at a time.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new InversionRowMapper(this, inputSchema);

    /// <summary>Not supported (see <see cref="ImageInversionTransformer"/>); use <see cref="SaveTo"/> and <see cref="Load"/>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw RowStepSchema.ModelSaveNotSupported(nameof(ActivationMaximizationTransformer), OutputColumnName,
        $"{nameof(ActivationMaximizationTransformer)}.{nameof(Load)}(mlContext, path) (or mlContext.Transforms.LoadActivationMaximization(path))");

    /// <summary>Saves the step (its options and a reference to its backbone) to a JSON file.</summary>
    public void SaveTo(string path) => SavedStep.Write(path, FormatName, FormatVersion, null, Options);

    /// <summary>Loads a step saved with <see cref="SaveTo"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a saved activation-maximisation step.</exception>
    public static ActivationMaximizationTransformer Load(IHostEnvironment environment, string path)
    {
        var (options, _) = SavedStep.Read<ActivationMaximizationOptions>(path, FormatName, FormatVersion, "activation-maximisation step");
        options.Validate();
        return RowStepSchema.WithBackbone(options.Backbone, environment, backbone => new ActivationMaximizationTransformer(environment, options, backbone));
    }

    /// <summary>Releases the backbone.</summary>
    public void Dispose() => Backbone.Dispose();

    internal static bool IsChannelType(DataViewType type) =>
        type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64 || type == NumberDataViewType.UInt32 ||
        type == NumberDataViewType.UInt64 || type == NumberDataViewType.Single || type == NumberDataViewType.Double;

    private long ChannelCount(string layer) => Backbone.DescribeLayer(layer, ImageHeight, ImageWidth).Shape[0];

    IReadOnlyList<string> IRowStep.InputColumns =>
        Options.LayerColumnName is { } layer ? [Options.ChannelColumnName, layer] : [Options.ChannelColumnName];

    int IRowStep.BatchSize => Options.BatchSize;

    OutputColumns IRowStep.Outputs(DataViewSchema outputSchema, int inputColumnCount) =>
        new(outputSchema, inputColumnCount, Options.OutputColumnName, Options.ActivationColumnName, Options.IterationsColumnName);

    Func<object?> IRowStep.CreateReader(DataViewRow row)
    {
        Func<double> channel = ChannelReader(row, row.Schema[Options.ChannelColumnName]);
        ValueGetter<ReadOnlyMemory<char>>? layer = Options.LayerColumnName is { } name ? row.GetGetter<ReadOnlyMemory<char>>(row.Schema[name]) : null;
        return () =>
        {
            string layerName = Options.Layer;
            if (layer is not null)
            {
                ReadOnlyMemory<char> text = default;
                layer(ref text);
                layerName = text.ToString().Trim();
            }
            return new ChannelRequest(layerName, channel());
        };
    }

    private static Func<double> ChannelReader(DataViewRow row, DataViewSchema.Column column)
    {
        Func<double> Read<T>(Func<T, double> convert)
        {
            var getter = row.GetGetter<T>(column);
            return () =>
            {
                T value = default!;
                getter(ref value);
                return convert(value);
            };
        }
        if (column.Type == NumberDataViewType.Int32)
            return Read<int>(v => v);
        if (column.Type == NumberDataViewType.Int64)
            return Read<long>(v => v);
        if (column.Type == NumberDataViewType.UInt32)
            return Read<uint>(v => v);
        if (column.Type == NumberDataViewType.UInt64)
            return Read<ulong>(v => v);
        if (column.Type == NumberDataViewType.Single)
            return Read<float>(v => v);
        return Read<double>(v => v);
    }

    PreparedRow IRowStep.Prepare(long row, object? value)
    {
        var request = (ChannelRequest)value!;
        string layerColumn = Options.LayerColumnName ?? nameof(Options.Layer);
        string channelColumn = Options.ChannelColumnName;
        string? problem = null;
        if (string.IsNullOrEmpty(request.Layer))
            problem = $"the layer in column '{layerColumn}' is empty";
        else
        {
            try
            {
                long channels = ChannelCount(request.Layer);
                double c = request.Channel;
                if (double.IsNaN(c) || c != Math.Floor(c) || c < 0 || c >= channels)
                    problem = $"the channel in column '{channelColumn}' is {c}; layer '{request.Layer}' has channels 0–{channels - 1}";
            }
            catch (UnknownLayerException e)
            {
                problem = $"column '{layerColumn}' names a layer that does not exist: {e.Message}";
            }
        }
        return new PreparedRow(row, null, problem, request);
    }

    RowResult[] IRowStep.Run(IReadOnlyList<PreparedRow> rows)
    {
        var results = new RowResult[rows.Count];
        var good = PreparedRow.SplitBadRows(rows, results, Options.BadRows, Log);
        foreach (var group in good.GroupBy(g => Backbone.ResolveLayer(((ChannelRequest)g.Row.Request!).Layer)))
        {
            var items = group.ToArray();
            string layer = ((ChannelRequest)items[0].Row.Request!).Layer;
            long[] channels = items.Select(g => (long)((ChannelRequest)g.Row.Request!).Channel).ToArray();
            long[] seeds = items.Select(g => Options.Seed + g.Row.Row).ToArray();
            var options = new InversionOptions
            {
                Preset = Preset,
                Iterations = Options.Iterations,
                DataWeight = Options.ActivationWeight,
                Seed = Options.Seed,
                Progress = Options.Progress is null ? null : new InversionRowProcessor.RowProgress(Options.Progress, items[0].Row.Row),
            };
            using var scope = NewDisposeScope();
            using VisualizationResult result = new ActivationMaximizer(Backbone, layer, options).Maximize(channels, ImageHeight, ImageWidth, seeds, Options.CancellationToken);
            for (int k = 0; k < items.Length; k++)
                results[items[k].Slot] = new RowResult(ImageTensors.ToMLImage(result.Images[k]), (float)result.Scores[k], result.Iterations);
            Log($"Rows {items[0].Row.Row}–{items[^1].Row.Row}: maximised {items.Length} channels of layer '{layer}' in {result.Seconds:F1} s.");
        }
        return results;
    }

    private void Log(string message)
    {
        using IChannel channel = _environment.Start("ActivationMaximization");
        channel.Info(MessageSensitivity.None, message);
    }

    private sealed record ChannelRequest(string Layer, double Channel);
}
