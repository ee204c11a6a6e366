using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>Reads and checks the stored feature vector of one row for the steps that invert representations.</summary>
internal static class FeatureRows
{
    /// <summary>A getter-backed reader of a float vector column.</summary>
    public static Func<object?> Reader(DataViewRow row, string column)
    {
        var features = row.GetGetter<VBuffer<float>>(row.Schema[column]);
        return () =>
        {
            VBuffer<float> value = default;
            features(ref value);
            return value;
        };
    }

    /// <summary>The row's features as [1, n] outside any dispose scope, or why the row is bad (not finite, all zeros).</summary>
    public static PreparedRow Prepare(long row, object? value, string column)
    {
        using var scope = NewDisposeScope();

        if (value is not VBuffer<float> buffer)
            return new PreparedRow(row, null, $"column '{column}' holds no feature vector");
        float[] dense = new float[buffer.Length];
        buffer.CopyTo(dense);
        int bad = Array.FindIndex(dense, v => !float.IsFinite(v));
        if (bad >= 0)
            return new PreparedRow(row, null, $"the feature vector in column '{column}' has a {(float.IsNaN(dense[bad]) ? "NaN" : "infinite")} value at index {bad}");
        if (dense.All(v => v == 0))
            return new PreparedRow(row, null, $"the feature vector in column '{column}' is all zeros: there is nothing to reconstruct");
        return new PreparedRow(row, tensor(dense).unsqueeze(0).DetachFromDisposeScope(), null);
    }
}
