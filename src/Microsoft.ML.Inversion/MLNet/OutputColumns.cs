using Microsoft.ML.Data;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The columns the transform adds after the input's, by index in the output schema, and the getters that read
/// them from the current row's <see cref="RowResult"/>.
/// </summary>
internal sealed class OutputColumns
{
    public OutputColumns(DataViewSchema outputSchema, int inputColumnCount, string imageColumn, string? scoreColumn, string? iterationsColumn)
    {
        InputColumnCount = inputColumnCount;
        ImageIndex = outputSchema[imageColumn].Index;
        ScoreIndex = scoreColumn is { } e ? outputSchema[e].Index : -1;
        IterationsIndex = iterationsColumn is { } i ? outputSchema[i].Index : -1;
    }

    public int InputColumnCount { get; }

    public int ImageIndex { get; }

    public int ScoreIndex { get; }

    public int IterationsIndex { get; }

    public bool IsOutput(int index) => index >= InputColumnCount;

    /// <summary>A getter for output column <paramref name="index"/> that computes the row on first use.</summary>
    public ValueGetter<TValue> Getter<TValue>(int index, Func<RowResult> current)
    {
        Delegate getter;
        if (index == ImageIndex)
            getter = (ValueGetter<MLImage>)((ref MLImage value) => value = current().ThrowIfBad().Image!);
        else if (index == ScoreIndex)
            getter = (ValueGetter<float>)((ref float value) => value = current().ThrowIfBad().Score);
        else if (index == IterationsIndex)
            getter = (ValueGetter<int>)((ref int value) => value = current().ThrowIfBad().Iterations);
        else
            throw new ArgumentOutOfRangeException(nameof(index), $"Column {index} is not produced by this transform.");
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: {typeof(TValue)} for output column {index}.");
    }
}
