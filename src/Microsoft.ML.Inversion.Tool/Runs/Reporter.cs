namespace Microsoft.ML.Inversion.Tool.Runs;

/// <summary>Reports progress on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
