using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.ML.Data;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// Runs one shard in this process, with no Orleans involved: reads its rows from the manifest, runs the job's step
/// (<see cref="ShardStep"/>, loaded for the shard or reused from the worker's previous shard of the job), writes each row's reconstruction to <c>images/NNNNNNNN.png</c> (its
/// job-wide index) and the shard's results table, each file moved into place whole.
/// </summary>
public static partial class ShardRunner
{
    /// <summary>Runs rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>) of the job.</summary>
    /// <exception cref="OperationCanceledException">Cancelled between rows.</exception>
    public static ShardOutcome Run(InversionJobSpec spec, int shard, long firstRow, int rowCount, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var step = ShardStep.Load(spec.StepPath, new JobOutputLayout(spec.OutputFolder).TempFolder);
        return Run(spec, step, shard, firstRow, rowCount, clock, cancellation);
    }

    /// <summary>Runs rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>) of the job with its loaded step.</summary>
    internal static ShardOutcome Run(InversionJobSpec spec, ShardStep step, int shard, long firstRow, int rowCount, Stopwatch clock, CancellationToken cancellation)
    {
        var layout = new JobOutputLayout(spec.OutputFolder);
        layout.Create();
        var paths = JobInput.ReadRows(spec.ManifestPath, firstRow, rowCount);

        var reasons = new Dictionary<int, string>();
        var mlContext = step.MLContext;
        using var transformer = step.ForShard(firstRow, message => RecordBadRow(message, paths.Count, reasons));
        IDataView rows = mlContext.Data.LoadFromEnumerable(paths.Select(p => new ImageRow { ImagePath = p }));
        IDataView images = mlContext.Transforms.LoadImages(transformer.InputColumnName, imageFolder: null, inputColumnName: ShardStep.PathColumn)
            .Fit(rows).Transform(rows);
        IDataView output = transformer.Transform(images);

        var imageColumn = output.Schema[transformer.OutputColumnName];
        var scoreColumn = output.Schema[step.ScoreColumn];
        using var cursor = output.GetRowCursor([imageColumn, scoreColumn]);
        var getImage = cursor.GetGetter<MLImage>(imageColumn);
        var getScore = cursor.GetGetter<float>(scoreColumn);
        var table = new ResultsTable();
        int k = 0, bad = 0;
        while (cursor.MoveNext())
        {
            cancellation.ThrowIfCancellationRequested();
            long row = firstRow + k;
            MLImage image = null!;
            getImage(ref image);
            float score = 0;
            getScore(ref score);
            if (image is null)
            {
                bad++;
                table.AddBad(row, paths[k], reasons.GetValueOrDefault(k, "the image could not be used (see the silo's log)"));
            }
            else
            {
                using (image)
                    AtomicFile.Write(layout.ImagePath(row), layout.TempFolder, image.Save);
                table.AddGood(row, paths[k], score);
            }
            k++;
        }
        table.Save(layout.ResultsPath(shard), layout.TempFolder);
        return new ShardOutcome(k, bad, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Keeps the reason of a skipped row from the step's log line "Row k (file 'path'): reason; skipped.", without the
    /// shard-local row number (the results table has the job-wide one).
    /// </summary>
    private static void RecordBadRow(string message, int rowCount, Dictionary<int, string> reasons)
    {
        var match = SkippedRow().Match(message);
        if (!match.Success || !int.TryParse(match.Groups["row"].ValueSpan, out int k) || k < 0 || k >= rowCount)
            return;
        string reason = match.Groups["source"].Success ? $"{match.Groups["source"].Value}: {match.Groups["reason"].Value}" : match.Groups["reason"].Value;
        lock (reasons)
            reasons[k] = reason;
    }

    [GeneratedRegex(@"^Row (?<row>\d+)(?: \((?<source>.*?)\))?: (?<reason>.*); skipped\.$", RegexOptions.Singleline)]
    private static partial Regex SkippedRow();

    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";
    }
}
