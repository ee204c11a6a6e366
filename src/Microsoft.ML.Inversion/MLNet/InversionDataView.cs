namespace Microsoft.ML.Inversion.MLNet;

/// <summary>The lazy result of a row step's <c>Transform</c>: nothing runs until a cursor reads an output column.</summary>
internal sealed class InversionDataView : IDataView
{
    public InversionDataView(IRowStep step, IDataView source)
    {
        Step = step;
        Source = source;
        Schema = step.GetOutputSchema(source.Schema);
        Outputs = step.Outputs(Schema, source.Schema.Count);
    }

    public IRowStep Step { get; }

    public IDataView Source { get; }

    public DataViewSchema Schema { get; }

    public OutputColumns Outputs { get; }

    // Seeds follow row positions, so the order must stay the source's.
    public bool CanShuffle => false;

    public long? GetRowCount() => Source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int[] active = columnsNeeded.Select(c => c.Index).Distinct().ToArray();
        var sourceColumns = active.Where(i => !Outputs.IsOutput(i)).Select(i => Source.Schema[i]);
        return new InversionCursor(this, Source.GetRowCursor(sourceColumns), active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
