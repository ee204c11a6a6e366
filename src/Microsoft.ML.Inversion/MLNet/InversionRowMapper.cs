using Microsoft.ML.Data;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The row-to-row form of the transform (prediction engines use it): each row is inverted alone, on first access
/// to an output column.
/// </summary>
internal sealed class InversionRowMapper : IRowToRowMapper
{
    private readonly ImageInversionTransformer _transformer;
    private readonly OutputColumns _outputs;

    public InversionRowMapper(ImageInversionTransformer transformer, DataViewSchema inputSchema)
    {
        _transformer = transformer;
        InputSchema = inputSchema;
        OutputSchema = transformer.GetOutputSchema(inputSchema);
        _outputs = new OutputColumns(OutputSchema, inputSchema.Count, transformer.Options);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var columns = dependingColumns.ToArray();
        var needed = columns.Where(c => !_outputs.IsOutput(c.Index)).Select(c => InputSchema[c.Index]).ToList();
        if (columns.Any(c => _outputs.IsOutput(c.Index)))
            needed.Add(InputSchema[_transformer.Options.InputColumn]);
        return needed.DistinctBy(c => c.Index);
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new MappedRow(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    private sealed class MappedRow(InversionRowMapper mapper, DataViewRow input, HashSet<int> active) : DataViewRow
    {
        private long _computedFor = -1;
        private RowResult _result;

        public override DataViewSchema Schema => mapper.OutputSchema;

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            mapper._outputs.IsOutput(column.Index)
                ? mapper._outputs.Getter<TValue>(column.Index, Current)
                : input.GetGetter<TValue>(input.Schema[column.Index]);

        private RowResult Current()
        {
            if (_computedFor == input.Position && _computedFor >= 0)
                return _result;
            var transformer = mapper._transformer;
            var column = input.Schema[transformer.Options.InputColumn];
            object? value;
            if (transformer.InputKind == InversionInputKind.Image)
            {
                MLImage image = null!;
                input.GetGetter<MLImage>(column)(ref image);
                value = image;
            }
            else
            {
                VBuffer<float> features = default;
                input.GetGetter<VBuffer<float>>(column)(ref features);
                value = features;
            }
            using PreparedRow prepared = transformer.Processor.Prepare(Math.Max(0, input.Position), value);
            _result = transformer.Processor.Run([prepared])[0];
            _computedFor = input.Position;
            return _result;
        }
    }
}
