namespace Microsoft.ML.Inversion.MLNet;

/// <summary>The lazy result of <see cref="ImageInversionTransformer.Transform"/>: nothing runs until a cursor reads an output column.</summary>
internal sealed class InversionDataView : IDataView
{
    public InversionDataView(ImageInversionTransformer transformer, IDataView source)
    {
        Transformer = transformer;
        Source = source;
        Schema = transformer.GetOutputSchema(source.Schema);
        Outputs = new OutputColumns(Schema, source.Schema.Count, transformer.Options);
    }

    public ImageInversionTransformer Transformer { get; }

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
