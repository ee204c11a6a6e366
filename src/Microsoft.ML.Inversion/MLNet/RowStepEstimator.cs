using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The shell every image step's estimator shares: options validated once, a schema check that loads nothing, and a
/// Fit that loads the backbone and declares the same sized image column that Transform produces.
/// </summary>
/// <typeparam name="TOptions">The step's options.</typeparam>
/// <typeparam name="TTransformer">The step's transformer.</typeparam>
public abstract class RowStepEstimator<TOptions, TTransformer> : IEstimator<TTransformer>
    where TOptions : RowStepOptions
    where TTransformer : RowStepTransformer<TOptions>
{
    private protected RowStepEstimator(IHostEnvironment environment, TOptions options)
    {
        Environment = environment ?? throw new ArgumentNullException(nameof(environment));
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = (TOptions)options.Clone();
    }

    private protected IHostEnvironment Environment { get; }

    private protected TOptions Options { get; }

    /// <summary>Checks the input schema, loads the backbone and creates the transformer (which checks the layer against the data).</summary>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(MLNetInternals.SchemaShapeOf(input.Schema));
        return StepBackbone.Create(Options.Backbone, Environment, backbone =>
        {
            TTransformer transformer = Create(backbone, input);
            transformer.GetOutputSchema(input.Schema);
            return transformer;
        });
    }

    /// <summary>
    /// The schema after the step: the input's columns plus the image and score columns. Fails early, with the
    /// column's name, when an input column is missing or of the wrong type; loads no network.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (string column in Options.InputColumns)
            SchemaErrors.Find(inputSchema, column);
        CheckInputShape(inputSchema);
        var (backboneHeight, backboneWidth) = Options.Backbone.InputSize();
        var (height, width) = Options.OutputSize(backboneHeight, backboneWidth);
        var added = new DataViewSchema.Builder();
        foreach (var (name, type) in RowStepTransformer<TOptions>.AddedColumns(Options, height, width))
            added.AddColumn(name, type);
        var addedColumns = MLNetInternals.SchemaShapeOf(added.ToSchema()).ToArray();
        var names = addedColumns.Select(c => c.Name).ToHashSet();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(addedColumns));
    }

    /// <summary>Checks the input columns' kinds and types (they are known to exist).</summary>
    private protected abstract void CheckInputShape(SchemaShape inputSchema);

    /// <summary>Creates the transformer on the loaded backbone for the training data (most steps read only its schema).</summary>
    private protected abstract TTransformer Create(Backbone backbone, IDataView input);
}
