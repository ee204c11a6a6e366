using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Reconstructs images from a layer's representation (Mahendran &amp; Vedaldi's pre-images) as a pipeline step.
/// </summary>
/// <remarks>
/// <format type="text/markdown"><![CDATA[
/// ### Estimator characteristics
/// |  |  |
/// | -- | -- |
/// | Does this estimator need to look at the data to train its parameters? | No |
/// | Input column data type | `MLImage` (from LoadImages/ResizeImages), or a known-size vector of `Single` holding the layer's activations |
/// | Output column data type | `MLImage` (RGB) of the output size; optional `Single` feature-error and `Int32` iteration columns |
/// | Required NuGet in addition to Microsoft.ML | Microsoft.ML.Inversion, a libtorch runtime (e.g. libtorch-cpu-linux-x64), Microsoft.ML.DnnImageFeaturizer.ResNet18 for the built-in backbone |
/// | Exportable to ONNX | No |
///
/// Fitting loads the backbone once; the transformer owns it and must be disposed. Rows are optimised in batches of
/// <see cref="RowStepOptions.BatchSize"/>; the row at position r starts from seed <c>Seed + r</c>, so the
/// result of a row does not depend on how rows are batched.
/// ]]></format>
/// </remarks>
public sealed class ImageInversionEstimator : RowStepEstimator<ImageInversionOptions, ImageInversionTransformer>
{
    /// <summary>Creates the estimator; prefer <c>mlContext.Transforms.InvertImageRepresentation(...)</c>.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public ImageInversionEstimator(IHostEnvironment environment, ImageInversionOptions options)
        : base(environment, options)
    {
    }

    private protected override void CheckInputShape(SchemaShape inputSchema)
    {
        var column = SchemaErrors.Find(inputSchema, Options.InputColumn);
        bool vector = column.ItemType == NumberDataViewType.Single && column.Kind == SchemaShape.Column.VectorKind.Vector;
        if (!ImageRows.IsImage(column) && !vector)
            throw SchemaErrors.Mismatch(Options.InputColumn, $"an image (MLImage) or a known-size vector of Single values (the activations of layer '{Options.Layer}')", SchemaErrors.Describe(column));
    }

    private protected override ImageInversionTransformer Create(Backbone backbone, IDataView input)
    {
        int height = Options.ImageHeight ?? backbone.InputHeight, width = Options.ImageWidth ?? backbone.InputWidth;
        var shape = backbone.DescribeLayer(Options.Layer, height, width).Shape;
        var kind = ImageInversionTransformer.KindOf(input.Schema[Options.InputColumn].Type, Options.InputColumn, shape, Options.Layer, height, width);
        return new ImageInversionTransformer(Environment, Options, backbone, kind);
    }
}
