using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The shell every image step's transformer shares: schema, lazy <see cref="Transform"/>, row mapper, save and load,
/// bad-row handling, logging and disposal. A step supplies its input check, how a row is read and prepared, and how
/// a batch of good rows runs. Other columns pass through untouched; work happens in the cursor, batched, only for
/// rows read and only when an added column is asked for.
/// </summary>
/// <typeparam name="TOptions">The step's options.</typeparam>
/// <remarks>
/// The transformer owns its backbone: dispose it when done. <c>MLContext.Model.Save</c> cannot carry a custom
/// transformer's state through ML.NET's public API, so save a step with <see cref="SaveTo"/> and load it with the
/// step's <c>Load</c>.
/// </remarks>
public abstract class RowStepTransformer<TOptions> : ITransformer, IDisposable, IRowStep where TOptions : RowStepOptions
{
    private readonly IHostEnvironment _environment;
    private readonly bool _ownsBackbone;

    private protected RowStepTransformer(IHostEnvironment environment, TOptions options, Backbone backbone, bool ownsBackbone = true)
    {
        _ownsBackbone = ownsBackbone;
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        options.Validate();
        Options = (TOptions)options.Clone();
        Backbone = backbone;
        Preset = InversionPreset.FromName(options.Preset);
        ImageHeight = options.ImageHeight ?? backbone.InputHeight;
        ImageWidth = options.ImageWidth ?? backbone.InputWidth;
        (OutputHeight, OutputWidth) = options.OutputSize(backbone.InputHeight, backbone.InputWidth);
    }

    /// <summary>The added image column's name.</summary>
    public string OutputColumnName => Options.OutputColumnName;

    /// <summary>The recipe.</summary>
    public InversionPreset Preset { get; }

    /// <summary>The height images are optimised at.</summary>
    public int ImageHeight { get; }

    /// <summary>The width images are optimised at.</summary>
    public int ImageWidth { get; }

    /// <summary>The height of the output images.</summary>
    public int OutputHeight { get; }

    /// <summary>The width of the output images.</summary>
    public int OutputWidth { get; }

    /// <summary>Always true: each output row depends on its input row alone.</summary>
    public bool IsRowToRowMapper => true;

    internal TOptions Options { get; }

    internal Backbone Backbone { get; }

    /// <summary>The environment the step was created in.</summary>
    private protected IHostEnvironment Environment => _environment;

    /// <summary>The name and version written into saved files.</summary>
    private protected abstract (string Name, int Version) Format { get; }

    /// <summary>What the step's input column holds, when that is decided at Fit and saved with the step.</summary>
    private protected virtual string? SavedInputKind => null;

    /// <summary>The input schema plus the image column and the optional score and iteration columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or of the wrong type (ML.NET's message shape).</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (string column in Options.InputColumns)
            SchemaErrors.Find(inputSchema, column);
        CheckInputSchema(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var (name, type) in AddedColumns(Options, OutputHeight, OutputWidth))
            builder.AddColumn(name, type);
        return builder.ToSchema();
    }

    /// <summary>Returns a lazy view: nothing is optimised until a cursor reads an added column.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new InversionDataView(this, input);
    }

    /// <summary>A row-to-row mapper (used by prediction engines); it computes one row at a time.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new InversionRowMapper(this, inputSchema);

    /// <summary>
    /// Not supported: ML.NET's public API cannot carry this transformer's state into <c>MLContext.Model.Save</c>.
    /// The exception says to use <see cref="SaveTo"/> and the step's <c>Load</c> instead.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException($"{GetType().Name} (output column '{OutputColumnName}') cannot be saved with MLContext.Model.Save: " +
            "ML.NET's public API does not let a custom transformer write its state into a model file. " +
            $"Save the steps before it with MLContext.Model.Save, save this step with transformer.SaveTo(path), and load it back with {GetType().Name}.Load(mlContext, path).");

    /// <summary>
    /// Saves the step (its options and a reference to its backbone) to a JSON file. The backbone's weights are not
    /// copied: the built-in ResNet18 comes from its package, an ONNX or weights file is referenced by path.
    /// </summary>
    public void SaveTo(string path)
    {
        SavedStep.Write(path, Format.Name, Format.Version, SavedInputKind, Options);
        SaveState(path);
    }

    /// <summary>Releases the backbone (unless it is shared with the step this one was copied from) and what the step owns besides.</summary>
    public void Dispose()
    {
        DisposeState();
        if (_ownsBackbone)
            Backbone.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The columns a step with these options adds, in order (estimators declare the same).</summary>
    internal static IEnumerable<(string Name, DataViewType Type)> AddedColumns(RowStepOptions options, int height, int width)
    {
        yield return (options.OutputColumnName, new ImageDataViewType(height, width));
        if (options.ScoreColumnName is { } score)
            yield return (score, NumberDataViewType.Single);
        if (options.IterationsColumnName is { } iterations)
            yield return (iterations, NumberDataViewType.Int32);
    }

    /// <summary>Reads a saved step, validates every field and creates its transformer on the environment's device.</summary>
    private protected static T Load<T>(IHostEnvironment environment, string path, (string Name, int Version) format, string what,
        Func<TOptions, string?, Backbone, T> create)
    {
        var (options, inputKind) = SavedStep.Read<TOptions>(path, format.Name, format.Version, what);
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Saved {what} '{path}' is invalid: {e.Message}", e);
        }
        return StepBackbone.Create(options.Backbone, environment, backbone => create(options, inputKind, backbone));
    }

    /// <summary>Writes what the step learned beside its saved file at <paramref name="path"/> (nothing by default).</summary>
    private protected virtual void SaveState(string path)
    {
    }

    /// <summary>Releases what the step owns besides the backbone (nothing by default).</summary>
    private protected virtual void DisposeState()
    {
    }

    /// <summary>Checks the input columns' types (they are known to exist).</summary>
    private protected abstract void CheckInputSchema(DataViewSchema inputSchema);

    /// <summary>A function that reads the step's input columns at the row's current position.</summary>
    private protected abstract Func<object?> CreateReader(DataViewRow row);

    /// <summary>A function that names where the current row came from (e.g. its image file), or null.</summary>
    private protected virtual Func<string?>? CreateSourceReader(DataViewRow row) => null;

    /// <summary>Reads and checks one row's input right away (the source may reuse its buffers afterwards).</summary>
    private protected abstract PreparedRow Prepare(long row, object? value);

    /// <summary>Computes a batch of good rows; one result per row, in order.</summary>
    private protected abstract RowResult[] RunGood(IReadOnlyList<PreparedRow> rows);

    /// <summary>The engine's options for a batch whose first row is <paramref name="firstRow"/>.</summary>
    private protected InversionOptions EngineOptions(long firstRow, double? dataWeight = null) => new()
    {
        Preset = Preset,
        Iterations = Options.Iterations,
        DataWeight = dataWeight,
        Seed = Options.Seed,
        Execution = Options.FullPrecision ? Backbone.Float32OptimizationExecution : null,
        Progress = Options.Progress is { } progress ? new RowProgress(progress, firstRow) : null,
    };

    /// <summary>Row r's seed: <c>Seed + r</c>, whatever its batch.</summary>
    private protected long[] SeedsOf(IEnumerable<PreparedRow> rows) => rows.Select(r => Options.Seed + r.Row).ToArray();

    /// <summary>The result's images (resampled to the output size) and scores as row results.</summary>
    private protected RowResult[] ToRowResults(OptimizationResult result, IReadOnlyList<PreparedRow> rows, string what, string layer) =>
        ToRowResults(result.Images, result.Scores, result.ScoreName, result.Iterations, result.Seconds, rows, what, layer);

    /// <summary>Images [N, 3, H, W] (resampled to the output size) and one score per row as row results.</summary>
    private protected RowResult[] ToRowResults(Tensor rgb255, IReadOnlyList<double> scores, string scoreName, int iterations, double seconds,
        IReadOnlyList<PreparedRow> rows, string what, string layer)
    {
        using var scope = NewDisposeScope();
        Tensor images = ImageTensors.Resize(rgb255, OutputHeight, OutputWidth);
        var results = new RowResult[rows.Count];
        for (int k = 0; k < rows.Count; k++)
            results[k] = new RowResult(ImageTensors.ToMLImage(images[k]), (float)scores[k], iterations);
        Log($"Rows {rows[0].Row}–{rows[^1].Row}: {what} {rows.Count} at layer '{layer}' in {seconds:F1} s, mean {scoreName} {scores.Average():F3}.");
        return results;
    }

    private protected void Log(string message)
    {
        using IChannel channel = _environment.Start(GetType().Name);
        channel.Info(MessageSensitivity.None, message);
    }

    IReadOnlyList<string> IRowStep.InputColumns => Options.InputColumns;

    int IRowStep.BatchSize => Options.BatchSize;

    OutputColumns IRowStep.Outputs(DataViewSchema outputSchema, int inputColumnCount) =>
        new(outputSchema, inputColumnCount, Options.OutputColumnName, Options.ScoreColumnName, Options.IterationsColumnName);

    Func<object?> IRowStep.CreateReader(DataViewRow row)
    {
        Func<object?> read = CreateReader(row);
        Func<string?>? source = CreateSourceReader(row);
        return () =>
        {
            string? where = source?.Invoke();
            try
            {
                return new RowRead(read(), where, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // An upstream step failed on this row alone (e.g. LoadImages on a corrupt file): it costs only this row.
                return new RowRead(null, where, e.Message);
            }
        };
    }

    PreparedRow IRowStep.Prepare(long row, object? value)
    {
        var read = (RowRead)value!;
        PreparedRow prepared = read.Error is { } error
            ? new PreparedRow(row, null, $"column '{Options.InputColumns[0]}' could not be read: {error}")
            : Prepare(row, read.Value);
        return read.Source is null ? prepared : new PreparedRow(row, prepared.Input, prepared.Problem, prepared.Request) { Source = read.Source };
    }

    RowResult[] IRowStep.Run(IReadOnlyList<PreparedRow> rows)
    {
        var results = new RowResult[rows.Count];
        var good = PreparedRow.SplitBadRows(rows, results, Options.BadRows, Log);
        if (good.Count == 0)
            return results;
        RowResult[] computed = RunGood(good.Select(g => g.Row).ToArray());
        for (int k = 0; k < good.Count; k++)
            results[good[k].Slot] = computed[k];
        return results;
    }

    /// <summary>One row's input as read: the value, where the row came from, or why reading it failed.</summary>
    private sealed record RowRead(object? Value, string? Source, string? Error);

    /// <summary>Adds the batch's first row to the engine's progress reports.</summary>
    private sealed class RowProgress(IProgress<InversionProgress> inner, long row) : IProgress<InversionProgress>
    {
        public void Report(InversionProgress value) => inner.Report(value with { Row = row });
    }
}
