using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Inversion.MLNet;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// A job's saved step, loaded once and reused for every shard a worker runs of that job (loading the network costs
/// more than a small shard's rows). A step gives the row at position k of the view it transforms the seed
/// <c>Seed + k</c>; a shard is a view of rows [a, b) only, so <see cref="ForShard"/> gives it a copy with seed
/// <c>Seed + a</c>, and row a + k gets the seed it has in one Transform over the whole job. The step also skips bad
/// rows (one unreadable image fails its row, not the shard), names each row's file in messages, and has a
/// feature-error column for the results table.
/// </summary>
internal sealed class ShardStep : IDisposable
{
    /// <summary>The text column holding each row's image path.</summary>
    public const string PathColumn = "ImagePath";

    private const string DefaultScoreColumn = "FeatureError";

    private readonly ImageInversionTransformer _transformer;
    private readonly long _seed;
    private Action<string>? _log;

    private ShardStep(string stepPath, MLContext mlContext, ImageInversionTransformer transformer, long seed, string scoreColumn)
    {
        StepPath = stepPath;
        MLContext = mlContext;
        _transformer = transformer;
        _seed = seed;
        ScoreColumn = scoreColumn;
    }

    /// <summary>The saved step's path.</summary>
    public string StepPath { get; }

    /// <summary>The context the step was loaded in; its log goes to the shard running now.</summary>
    public MLContext MLContext { get; }

    /// <summary>The feature-error column.</summary>
    public string ScoreColumn { get; }

    /// <summary>Loads the saved step at <paramref name="stepPath"/>.</summary>
    /// <exception cref="FileNotFoundException">The step file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a saved inversion step, or it inverts feature vectors.</exception>
    public static ShardStep Load(string stepPath, string tempFolder)
    {
        if (!File.Exists(stepPath))
            throw new FileNotFoundException($"Saved inversion step '{stepPath}' does not exist.", stepPath);
        JsonObject options = ReadOptions(stepPath);
        long seed = options["Seed"]?.GetValue<long>() ?? RowStepOptions.Defaults.Seed;
        options["BadRows"] = (int)BadRowPolicy.Skip;
        options["PathColumnName"] = PathColumn;
        string score = options["FeatureErrorColumnName"]?.GetValue<string>() ?? DefaultScoreColumn;
        options["FeatureErrorColumnName"] = score;

        Directory.CreateDirectory(tempFolder);
        string copy = Path.Combine(tempFolder, $"step-{Guid.NewGuid():N}.json");
        var mlContext = new MLContext(seed: 1);
        try
        {
            File.WriteAllText(copy, options.Root.ToJsonString());
            var transformer = ImageInversionTransformer.Load(mlContext, copy);
            if (transformer.InvertsFeatureVectors)
            {
                transformer.Dispose();
                throw new InvalidDataException($"Saved step '{stepPath}' inverts feature vectors; a cluster job runs a step over image files.");
            }
            var step = new ShardStep(stepPath, mlContext, transformer, seed, score);
            mlContext.Log += (_, e) => step._log?.Invoke(e.RawMessage);
            return step;
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>
    /// The step for a shard whose first row is <paramref name="firstRow"/>, sharing this one's network; while it runs,
    /// the context's log lines go to <paramref name="log"/>. Dispose the copy when the shard is done.
    /// </summary>
    public ImageInversionTransformer ForShard(long firstRow, Action<string> log)
    {
        _log = log;
        return _transformer.WithSeed(checked(_seed + firstRow));
    }

    /// <summary>Releases the step's network.</summary>
    public void Dispose() => _transformer.Dispose();

    private static JsonObject ReadOptions(string stepPath)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(stepPath))?["Options"] as JsonObject
                ?? throw new InvalidDataException($"'{stepPath}' is not a saved inversion step (it has no Options).");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{stepPath}' is not a saved inversion step: {e.Message}", e);
        }
    }
}
