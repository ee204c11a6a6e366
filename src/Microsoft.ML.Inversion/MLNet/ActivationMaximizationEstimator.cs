using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Activation maximisation (Mahendran &amp; Vedaldi, IJCV 2016) as a pipeline step: rows naming a channel (and
/// optionally a layer) become images that make that channel fire.
/// </summary>
/// <remarks>
/// <format type="text/markdown"><![CDATA[
/// ### Estimator characteristics
/// |  |  |
/// | -- | -- |
/// | Does this estimator need to look at the data to train its parameters? | No |
/// | Input column data type | channel: integer (or whole-number `Single`/`Double`); optional layer: text |
/// | Output column data type | `MLImage` (RGB); optional `Single` activation and `Int32` iteration columns |
/// | Exportable to ONNX | No |
///
/// Fitting loads the backbone once; the transformer owns it and must be disposed. Row r starts from seed
/// `Seed + r`, so results do not depend on batching.
/// ]]></format>
/// </remarks>
public sealed class ActivationMaximizationEstimator : IEstimator<ActivationMaximizationTransformer>
{
    private readonly IHostEnvironment _environment;
    private readonly ActivationMaximizationOptions _options;

    /// <summary>Creates the estimator; prefer <c>mlContext.Transforms.MaximizeActivations(...)</c>.</summary>
    public ActivationMaximizationEstimator(IHostEnvironment environment, ActivationMaximizationOptions options)
    {
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Checks the input schema and loads the backbone.</summary>
    public ActivationMaximizationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShapes.From(input.Schema));
        return RowStepSchema.WithBackbone(_options.Backbone, _environment, backbone =>
        {
            var transformer = new ActivationMaximizationTransformer(_environment, _options, backbone);
            transformer.GetOutputSchema(input.Schema);
            return transformer;
        });
    }

    /// <summary>
    /// The schema after the step: the input's columns plus the image and score columns. Fails early, with the
    /// column's name, when the channel or layer column is missing or of the wrong type.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var channel = Find(inputSchema, _options.ChannelColumnName);
        if (channel.Kind != SchemaShape.Column.VectorKind.Scalar || !ActivationMaximizationTransformer.IsChannelType(channel.ItemType))
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Schema mismatch for channel column '{_options.ChannelColumnName}': expected an integer, Single or Double scalar, got {Describe(channel)}.");
        if (_options.LayerColumnName is { } layerColumn)
        {
            var layer = Find(inputSchema, layerColumn);
            if (layer.Kind != SchemaShape.Column.VectorKind.Scalar || layer.ItemType is not TextDataViewType)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Schema mismatch for layer column '{layerColumn}': expected text, got {Describe(layer)}.");
        }
        var added = new DataViewSchema.Builder();
        added.AddColumn(_options.OutputColumnName, new ImageDataViewType());
        if (_options.ActivationColumnName is { } activation)
            added.AddColumn(activation, NumberDataViewType.Single);
        if (_options.IterationsColumnName is { } iterations)
            added.AddColumn(iterations, NumberDataViewType.Int32);
        var addedColumns = SchemaShapes.From(added.ToSchema()).ToArray();
        var names = addedColumns.Select(c => c.Name).ToHashSet();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(addedColumns));
    }

    private static SchemaShape.Column Find(SchemaShape schema, string name) =>
        schema.LastOrDefault(c => c.Name == name) is { Name: not null } column
            ? column
            : throw new ArgumentOutOfRangeException(nameof(schema), $"Could not find input column '{name}'.");

    private static string Describe(SchemaShape.Column column) =>
        column.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{column.ItemType}" : $"{column.Kind}<{column.ItemType}>";
}
