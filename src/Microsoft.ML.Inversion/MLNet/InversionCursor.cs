using Microsoft.ML.Data;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// A cursor over the transformed data. Input columns pass through from the source cursor. The output columns are
/// computed lazily: the first time a getter asks for row r, a second source cursor reads rows r … r+BatchSize−1 of
/// the input column and they are inverted together. A cursor that never asks for an output runs no optimisation.
/// </summary>
internal sealed class InversionCursor : DataViewRowCursor
{
    private readonly InversionDataView _view;
    private readonly DataViewRowCursor _input;
    private readonly HashSet<int> _active;
    private readonly Dictionary<long, RowResult> _results = new();
    private DataViewRowCursor? _lookahead;
    private Func<object?>? _readLookahead;

    public InversionCursor(InversionDataView view, DataViewRowCursor input, IEnumerable<int> active)
    {
        _view = view;
        _input = input;
        _active = active.ToHashSet();
    }

    public override DataViewSchema Schema => _view.Schema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override bool MoveNext()
    {
        bool moved = _input.MoveNext();
        foreach (long done in _results.Keys.Where(k => k < _input.Position).ToArray())
            _results.Remove(done);
        return moved;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column))
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; ask for it in GetRowCursor.");
        return _view.Outputs.IsOutput(column.Index)
            ? _view.Outputs.Getter<TValue>(column.Index, Current)
            : _input.GetGetter<TValue>(_input.Schema[column.Index]);
    }

    private RowResult Current()
    {
        long position = _input.Position;
        if (position < 0)
            throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");
        if (_results.TryGetValue(position, out RowResult result))
            return result;
        ComputeBatchFrom(position);
        return _results[position];
    }

    private void ComputeBatchFrom(long position)
    {
        var step = _view.Step;
        if (_lookahead is null)
        {
            _lookahead = _view.Source.GetRowCursor(step.InputColumns.Select(c => _view.Source.Schema[c]));
            _readLookahead = step.CreateReader(_lookahead);
        }
        while (_lookahead.Position < position)
            if (!_lookahead.MoveNext())
                throw new InvalidOperationException($"The source ended before row {position}; it must yield the same rows to every cursor.");

        var rows = new List<PreparedRow>();
        try
        {
            do
            {
                rows.Add(step.Prepare(_lookahead.Position, _readLookahead!()));
            }
            while (rows.Count < Math.Max(1, step.BatchSize) && _lookahead.MoveNext());
            RowResult[] results = step.Run(rows);
            for (int i = 0; i < rows.Count; i++)
                _results[rows[i].Row] = results[i];
        }
        finally
        {
            foreach (var row in rows)
                row.Dispose();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            _lookahead?.Dispose();
            _results.Clear();
        }
        base.Dispose(disposing);
    }
}
