using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// One row's outcome: the image (null for a bad row) and its score; for a bad row under
/// <see cref="BadRowPolicy.Throw"/>, the error to raise when the row's output is read.
/// </summary>
internal readonly record struct RowResult(MLImage? Image, float Score, int Iterations, string? Error = null)
{
    /// <summary>Throws the row's error, if it has one.</summary>
    public RowResult ThrowIfBad() => Error is null ? this : throw new InvalidOperationException(Error);
}

/// <summary>
/// A row read and checked: its input as a tensor [1, ...] (outside any dispose scope) or another request
/// (e.g. a layer and channel), or why it is bad.
/// </summary>
internal sealed class PreparedRow(long row, Tensor? input, string? problem, object? request = null) : IDisposable
{
    public long Row { get; } = row;

    public Tensor? Input { get; } = input;

    public string? Problem { get; } = problem;

    public object? Request { get; } = request;

    /// <summary>Where the row came from (e.g. its image file), named in its error; null when unknown.</summary>
    public string? Source { get; init; }

    public void Dispose() => Input?.Dispose();

    /// <summary>
    /// Fills <paramref name="results"/> for the bad rows per the policy (an error raised when the row is read, or
    /// an empty output and a log line) and returns the good rows with their slots.
    /// </summary>
    public static List<(int Slot, PreparedRow Row)> SplitBadRows(IReadOnlyList<PreparedRow> rows, RowResult[] results, BadRowPolicy policy, Action<string> log)
    {
        var good = new List<(int, PreparedRow)>();
        for (int i = 0; i < rows.Count; i++)
        {
            var prepared = rows[i];
            if (prepared.Problem is null)
            {
                good.Add((i, prepared));
                continue;
            }
            string message = $"Row {prepared.Row}{(prepared.Source is null ? "" : $" ({prepared.Source})")}: {prepared.Problem}";
            if (policy == BadRowPolicy.Throw)
            {
                // Raised when this row's output is read, so the good rows of the batch still come out.
                results[i] = new RowResult(null, float.NaN, 0, message + " (set BadRows = BadRowPolicy.Skip to give such rows an empty output instead).");
                continue;
            }
            log(message + "; skipped.");
            results[i] = new RowResult(null, float.NaN, 0);
        }
        return good;
    }
}
