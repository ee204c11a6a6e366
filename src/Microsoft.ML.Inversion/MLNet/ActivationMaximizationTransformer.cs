using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The fitted activation-maximisation step: for each row it generates the image that maximises the mean
/// activation of the row's channel, or with <see cref="ActivationMaximizationOptions.PositionColumnName"/> that
/// channel's activation at the row's position (of the row's layer, or of <see cref="RowStepOptions.Layer"/>), and adds it as an
/// <c>MLImage</c> column, with optional activation and iteration columns.
/// </summary>
public sealed class ActivationMaximizationTransformer : RowStepTransformer<ActivationMaximizationOptions>
{
    private static readonly (string, int) FileFormat = ("Microsoft.ML.Inversion.ActivationMaximizationTransformer", 1);

    internal ActivationMaximizationTransformer(IHostEnvironment environment, ActivationMaximizationOptions options, Backbone backbone)
        : base(environment, options, backbone)
    {
        if (options.LayerColumnName is null)
            ChannelCount(options.Layer);
    }

    private protected override (string Name, int Version) Format => FileFormat;

    /// <summary>Loads a step saved with <see cref="RowStepTransformer{TOptions}.SaveTo"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a saved activation-maximisation step, or a field is invalid.</exception>
    public static ActivationMaximizationTransformer Load(IHostEnvironment environment, string path) =>
        Load(environment, path, FileFormat, "activation-maximisation step", (options, _, backbone) => new ActivationMaximizationTransformer(environment, options, backbone));

    internal static bool IsChannelType(DataViewType type) =>
        type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64 || type == NumberDataViewType.UInt32 ||
        type == NumberDataViewType.UInt64 || type == NumberDataViewType.Single || type == NumberDataViewType.Double;

    internal const string ChannelTypes = "an integer, Single or Double scalar (the channel index)";

    internal const string PositionTypes = "an integer, Single or Double scalar (the unit's position)";

    private protected override void CheckInputSchema(DataViewSchema inputSchema)
    {
        if (!IsChannelType(inputSchema[Options.ChannelColumnName].Type))
            throw SchemaErrors.Mismatch(Options.ChannelColumnName, ChannelTypes, $"{inputSchema[Options.ChannelColumnName].Type}");
        if (Options.PositionColumnName is { } position && !IsChannelType(inputSchema[position].Type))
            throw SchemaErrors.Mismatch(position, PositionTypes, $"{inputSchema[position].Type}");
        if (Options.LayerColumnName is { } layer && inputSchema[layer].Type is not TextDataViewType)
            throw SchemaErrors.Mismatch(layer, "text (a layer name)", $"{inputSchema[layer].Type}");
    }

    private protected override Func<object?> CreateReader(DataViewRow row)
    {
        Func<double> channel = ChannelReader(row, row.Schema[Options.ChannelColumnName]);
        Func<double>? position = Options.PositionColumnName is { } positionColumn ? ChannelReader(row, row.Schema[positionColumn]) : null;
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
            return new ChannelRequest(layerName, channel(), position?.Invoke());
        };
    }

    private protected override PreparedRow Prepare(long row, object? value)
    {
        var request = (ChannelRequest)value!;
        string layerColumn = Options.LayerColumnName ?? nameof(Options.Layer);
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
                    problem = $"the channel in column '{Options.ChannelColumnName}' is {c}; layer '{request.Layer}' has channels 0–{channels - 1}";
                else if (request.Position is { } p && PositionCount(request.Layer) is var places && (double.IsNaN(p) || p != Math.Floor(p) || p < 0 || p >= places))
                    problem = $"the position in column '{Options.PositionColumnName}' is {p}; layer '{request.Layer}' has positions 0–{places - 1} at {ImageWidth}×{ImageHeight}";
            }
            catch (UnknownLayerException e)
            {
                problem = $"column '{layerColumn}' names a layer that does not exist: {e.Message}";
            }
        }
        return new PreparedRow(row, null, problem, request);
    }

    private protected override RowResult[] RunGood(IReadOnlyList<PreparedRow> rows)
    {
        var results = new RowResult[rows.Count];
        var slots = Enumerable.Range(0, rows.Count);
        foreach (var group in slots.GroupBy(i => Backbone.ResolveLayer(RequestOf(rows[i]).Layer)))
        {
            int[] members = group.ToArray();
            PreparedRow[] groupRows = members.Select(i => rows[i]).ToArray();
            string layer = RequestOf(groupRows[0]).Layer;
            long[] channels = groupRows.Select(r => (long)RequestOf(r).Channel).ToArray();
            using var scope = NewDisposeScope();
            var maximizer = new ActivationMaximizer(Backbone, layer, EngineOptions(groupRows[0].Row, Options.ActivationWeight));
            using VisualizationResult result = Options.PositionColumnName is null
                ? maximizer.Maximize(channels, ImageHeight, ImageWidth, SeedsOf(groupRows), Options.CancellationToken)
                : maximizer.MaximizeUnits(channels, groupRows.Select(r => (long)RequestOf(r).Position!.Value).ToArray(), ImageHeight, ImageWidth, SeedsOf(groupRows), Options.CancellationToken);
            RowResult[] computed = ToRowResults(result, groupRows, "maximised channels of", layer);
            for (int k = 0; k < members.Length; k++)
                results[members[k]] = computed[k];
        }
        return results;
    }

    private static ChannelRequest RequestOf(PreparedRow row) => (ChannelRequest)row.Request!;

    private long ChannelCount(string layer) => Engine.LayerGeometry.Of(Backbone, layer, ImageHeight, ImageWidth).ChannelCount;

    private long PositionCount(string layer) => Engine.LayerGeometry.Of(Backbone, layer, ImageHeight, ImageWidth).PositionCount;

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

    private sealed record ChannelRequest(string Layer, double Channel, double? Position);
}
