using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Runtime;

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
public sealed class ActivationMaximizationEstimator : RowStepEstimator<ActivationMaximizationOptions, ActivationMaximizationTransformer>
{
    /// <summary>Creates the estimator; prefer <c>mlContext.Transforms.MaximizeActivations(...)</c>.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public ActivationMaximizationEstimator(IHostEnvironment environment, ActivationMaximizationOptions options)
        : base(environment, options)
    {
    }

    private protected override void CheckInputShape(SchemaShape inputSchema)
    {
        var channel = SchemaErrors.Find(inputSchema, Options.ChannelColumnName);
        if (channel.Kind != SchemaShape.Column.VectorKind.Scalar || !ActivationMaximizationTransformer.IsChannelType(channel.ItemType))
            throw SchemaErrors.Mismatch(Options.ChannelColumnName, ActivationMaximizationTransformer.ChannelTypes, SchemaErrors.Describe(channel));
        if (Options.PositionColumnName is { } positionColumn)
        {
            var position = SchemaErrors.Find(inputSchema, positionColumn);
            if (position.Kind != SchemaShape.Column.VectorKind.Scalar || !ActivationMaximizationTransformer.IsChannelType(position.ItemType))
                throw SchemaErrors.Mismatch(positionColumn, ActivationMaximizationTransformer.PositionTypes, SchemaErrors.Describe(position));
        }
        if (Options.LayerColumnName is { } layerColumn)
        {
            var layer = SchemaErrors.Find(inputSchema, layerColumn);
            if (layer.Kind != SchemaShape.Column.VectorKind.Scalar || layer.ItemType is not TextDataViewType)
                throw SchemaErrors.Mismatch(layerColumn, "text (a layer name)", SchemaErrors.Describe(layer));
        }
    }

    private protected override ActivationMaximizationTransformer Create(Backbone backbone, IDataView input) =>
        new(Environment, Options, backbone);
}
