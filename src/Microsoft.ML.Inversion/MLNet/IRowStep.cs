namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// What the lazy cursor and the row mapper need from a row-by-row image step (inversion, caricature, activation
/// maximisation): the source columns it reads, how one row is read and checked, and how a batch of rows runs.
/// </summary>
internal interface IRowStep
{
    /// <summary>The source columns the step's outputs depend on.</summary>
    IReadOnlyList<string> InputColumns { get; }

    /// <summary>How many rows are computed together.</summary>
    int BatchSize { get; }

    /// <summary>The input schema plus the step's columns; throws on a missing or mistyped input column.</summary>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>Where the step's columns sit in its output schema.</summary>
    OutputColumns Outputs(DataViewSchema outputSchema, int inputColumnCount);

    /// <summary>A function that reads the step's input columns at the row's current position.</summary>
    Func<object?> CreateReader(DataViewRow row);

    /// <summary>Reads and checks one row's input right away (the source may reuse its buffers afterwards).</summary>
    PreparedRow Prepare(long row, object? value);

    /// <summary>Computes a batch of prepared rows.</summary>
    RowResult[] Run(IReadOnlyList<PreparedRow> rows);
}
