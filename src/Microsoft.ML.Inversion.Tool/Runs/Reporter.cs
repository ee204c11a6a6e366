using Microsoft.ML.Inversion.Engine;

namespace Microsoft.ML.Inversion.Tool.Runs;

/// <summary>Reports progress on the optimiser's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class Reporter(Action<InversionProgress> report) : IProgress<InversionProgress>
{
    public void Report(InversionProgress value) => report(value);
}
