using Microsoft.ML.Data;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The row-to-row form of a row step (prediction engines use it): each row is computed alone, on first access
/// to an output column.
/// </summary>
internal sealed class InversionRowMapper : IRowToRowMapper
{
    private readonly IRowStep _step;
    private readonly OutputColumns _outputs;

    public InversionRowMapper(IRowStep step, DataViewSchema inputSchema)
    {
        _step = step;
        InputSchema = inputSchema;
        OutputSchema = step.GetOutputSchema(inputSchema);
        _outputs = step.Outputs(OutputSchema, inputSchema.Count);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var columns = dependingColumns.ToArray();
        var needed = columns.Where(c => !_outputs.IsOutput(c.Index)).Select(c => InputSchema[c.Index]).ToList();
        if (columns.Any(c => _outputs.IsOutput(c.Index)))
            needed.AddRange(_step.InputColumns.Select(c => InputSchema[c]));
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

        private Func<object?>? _read;

        private RowResult Current()
        {
            if (_computedFor == input.Position && _computedFor >= 0)
                return _result;
            var step = mapper._step;
            _read ??= step.CreateReader(input);
            using PreparedRow prepared = step.Prepare(Math.Max(0, input.Position), _read());
            _result = step.Run([prepared])[0];
            _computedFor = input.Position;
            return _result;
        }
    }
}
