using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

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
/// | Output column data type | `MLImage` (RGB); optional `Single` feature-error and `Int32` iteration columns |
/// | Required NuGet in addition to Microsoft.ML | Microsoft.ML.Inversion, a libtorch runtime (e.g. libtorch-cpu-linux-x64), Microsoft.ML.DnnImageFeaturizer.ResNet18 for the built-in backbone |
/// | Exportable to ONNX | No |
///
/// Fitting loads the backbone once; the transformer owns it and must be disposed. Rows are optimised in batches of
/// <see cref="ImageInversionOptions.BatchSize"/>; the row at position r starts from seed <c>Seed + r</c>, so the
/// result of a row does not depend on how rows are batched.
/// ]]></format>
/// </remarks>
public sealed class ImageInversionEstimator : IEstimator<ImageInversionTransformer>
{
    private readonly IHostEnvironment _environment;
    private readonly ImageInversionOptions _options;
    private IReadOnlyList<long>? _layerShape;

    /// <summary>Creates the estimator; prefer <c>mlContext.Transforms.InvertImageRepresentation(...)</c>.</summary>
    public ImageInversionEstimator(IHostEnvironment environment, ImageInversionOptions options)
    {
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputColumnName, nameof(options.OutputColumnName));
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"BatchSize must be at least 1; got {options.BatchSize}.");
        if (options.Iterations is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"Iterations must be at least 1; got {options.Iterations}.");
        InversionPreset.FromName(options.Preset);
        _options = options.Clone();
    }

    /// <summary>Checks the input schema (column present, image or vector of the layer's length) and loads the backbone.</summary>
    public ImageInversionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShapes.From(input.Schema));
        return RowStepSchema.WithBackbone(_options.Backbone, _environment, backbone =>
        {
            var column = input.Schema[_options.InputColumn];
            int height = _options.ImageHeight ?? backbone.InputHeight, width = _options.ImageWidth ?? backbone.InputWidth;
            var shape = backbone.DescribeLayer(_options.Layer, height, width).Shape;
            var kind = ImageInversionTransformer.KindOf(column.Type, _options.InputColumn, shape, _options.Layer, height, width);
            return new ImageInversionTransformer(_environment, _options, backbone, kind);
        });
    }

    /// <summary>
    /// The schema after the step: the input's columns plus the reconstruction and score columns. Fails early, with
    /// the column's name, when the input column is missing or is neither an image nor a float vector.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        string name = _options.InputColumn;
        if (!inputSchema.Any(c => c.Name == name))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find input column '{name}'.");
        var column = inputSchema.Last(c => c.Name == name);
        bool image = column.ItemType is ImageDataViewType && column.Kind == SchemaShape.Column.VectorKind.Scalar;
        bool vector = column.ItemType == NumberDataViewType.Single && column.Kind == SchemaShape.Column.VectorKind.Vector;
        if (!image && !vector)
        {
            long length = LayerShape().Aggregate(1L, (p, d) => p * d);
            string actual = column.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{column.ItemType}" : $"{column.Kind}<{column.ItemType}>";
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Schema mismatch for input column '{name}': expected an image (MLImage) or a vector of {length} Single values (layer '{_options.Layer}'), got {actual}.");
        }
        if (_options.Task == ImageInversionTask.Caricature && !image)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Schema mismatch for input column '{name}': a caricature starts from the image, so the column must hold images (MLImage); got a vector of {column.ItemType}.");
        var added = new DataViewSchema.Builder();
        added.AddColumn(_options.OutputColumnName, new ImageDataViewType());
        if (_options.FeatureErrorColumnName is { } error)
            added.AddColumn(error, NumberDataViewType.Single);
        if (_options.IterationsColumnName is { } iterations)
            added.AddColumn(iterations, NumberDataViewType.Int32);
        var addedColumns = SchemaShapes.From(added.ToSchema()).ToArray();
        var names = addedColumns.Select(c => c.Name).ToHashSet();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(addedColumns));
    }

    private IReadOnlyList<long> LayerShape()
    {
        if (_layerShape is null)
        {
            using Backbone backbone = _options.Backbone.Create(TorchSharp.torch.CPU);
            _layerShape = backbone.DescribeLayer(_options.Layer, _options.ImageHeight ?? backbone.InputHeight, _options.ImageWidth ?? backbone.InputWidth).Shape;
        }
        return _layerShape;
    }
}
