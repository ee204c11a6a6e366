using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Inversion.MLNet;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// The saved step as one shard runs it. A step gives the row at position k of the view it transforms the seed
/// <c>Seed + k</c>; a shard is a view of rows [a, b) only, so its copy of the step gets <c>Seed + a</c> and row a + k
/// gets the seed it has in one Transform over the whole job. The copy also skips bad rows (one unreadable image fails
/// its row, not the shard), names each row's file in messages, and has a feature-error column for the results table.
/// </summary>
internal sealed class ShardStep : IDisposable
{
    /// <summary>The text column holding each row's image path.</summary>
    public const string PathColumn = "ImagePath";

    private const string DefaultScoreColumn = "FeatureError";

    private ShardStep(ImageInversionTransformer transformer, string scoreColumn)
    {
        Transformer = transformer;
        ScoreColumn = scoreColumn;
    }

    /// <summary>The shard's copy of the step.</summary>
    public ImageInversionTransformer Transformer { get; }

    /// <summary>The feature-error column.</summary>
    public string ScoreColumn { get; }

    /// <summary>Loads the saved step at <paramref name="stepPath"/> for a shard whose first row is <paramref name="firstRow"/>.</summary>
    /// <exception cref="FileNotFoundException">The step file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a saved inversion step, or it inverts feature vectors.</exception>
    public static ShardStep Load(MLContext mlContext, string stepPath, long firstRow, string tempFolder)
    {
        if (!File.Exists(stepPath))
            throw new FileNotFoundException($"Saved inversion step '{stepPath}' does not exist.", stepPath);
        JsonObject options = ReadOptions(stepPath);
        long seed = options["Seed"]?.GetValue<long>() ?? RowStepOptions.Defaults.Seed;
        options["Seed"] = checked(seed + firstRow);
        options["BadRows"] = (int)BadRowPolicy.Skip;
        options["PathColumnName"] = PathColumn;
        string score = options["FeatureErrorColumnName"]?.GetValue<string>() ?? DefaultScoreColumn;
        options["FeatureErrorColumnName"] = score;

        Directory.CreateDirectory(tempFolder);
        string copy = Path.Combine(tempFolder, $"step-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(copy, options.Root.ToJsonString());
            var transformer = ImageInversionTransformer.Load(mlContext, copy);
            if (transformer.InvertsFeatureVectors)
            {
                transformer.Dispose();
                throw new InvalidDataException($"Saved step '{stepPath}' inverts feature vectors; a cluster job runs a step over image files.");
            }
            return new ShardStep(transformer, score);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>Releases the step's network.</summary>
    public void Dispose() => Transformer.Dispose();

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
