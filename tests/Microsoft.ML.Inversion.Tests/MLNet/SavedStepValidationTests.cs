using System.Text.Json.Nodes;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Inversion.Tests.MLNet;

/// <summary>
/// Every field of a step is validated once, by the estimator, the transformer and Load alike; schema errors have
/// ML.NET's shape; Fit declares the image type Transform produces.
/// </summary>
[TestClass]
public sealed class SavedStepValidationTests
{
    private static string SavedInversionStep(MLContext context)
    {
        IDataView data = MLNetTestData.Photos(context, 64, 1);
        using var transformer = context.Transforms.InvertImageRepresentation(new ImageInversionOptions
        {
            InputColumnName = "Image",
            Layer = "conv1",
            Iterations = 2,
            ImageWidth = 64,
            ImageHeight = 64,
        }).Fit(data);
        string path = Path.Combine(TestEnvironment.NewTempFolder(), "step.json");
        transformer.SaveTo(path);
        return path;
    }

    [TestMethod]
    [DataRow("InputKind", "\"Bogus\"", "InputKind 'Bogus' is not one of Image, Features")]
    [DataRow("Options.Backbone", "null", "Backbone must name a network")]
    [DataRow("Options.Iterations", "-5", "Iterations must be between 1 and 100000; got -5")]
    [DataRow("Options.OutputWidth", "-1", "OutputWidth must be between 1 and 4096; got -1")]
    [DataRow("Options.OutputColumnName", "null", "OutputColumnName must be a non-empty name")]
    [DataRow("Options.ImageWidth", "100000", "ImageWidth must be between 1 and 4096; got 100000")]
    [DataRow("Options.BadRows", "7", "BadRows must be Throw or Skip; got 7")]
    [DataRow("Options.Preset", "\"fancy\"", "Unknown preset 'fancy'")]
    [DataRow("Options.Task", "\"Caricature\"", "'Task'")]
    public void HandEditedSavedStepFailsAtLoadNamingTheField(string field, string value, string expected)
    {
        var context = new MLContext();
        string path = SavedInversionStep(context);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        string[] parts = field.Split('.');
        JsonNode parent = parts.Length == 1 ? json : json[parts[0]]!;
        parent[parts[^1]] = JsonNode.Parse(value);
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.ThrowsExactly<InvalidDataException>(() => context.Transforms.LoadImageInversion(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, expected);
        Console.WriteLine($"{field} = {value}: {e.Message}");
    }

    [TestMethod]
    public void SchemaErrorsHaveMLNetsShapeInEveryStep()
    {
        var context = new MLContext();
        IDataView rows = context.Data.LoadFromEnumerable([new TextRow { Text = "a", Number = 1 }]);
        var errors = new (Func<object> Fit, string Column)[]
        {
            (() => context.Transforms.InvertImageRepresentation("Out", "Text").Fit(rows), "Text"),
            (() => context.Transforms.CaricatureImages("Out", "Number").Fit(rows), "Number"),
            (() => context.Transforms.MaximizeActivations(channelColumnName: "Text").Fit(rows), "Text"),
        };
        foreach (var (fit, column) in errors)
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(fit);
            StringAssert.StartsWith(e.Message, $"Schema mismatch for input column '{column}': expected ");
            StringAssert.Contains(e.Message, ", got ");
        }
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.Transforms.CaricatureImages("Out", "Photo").Fit(rows));
        StringAssert.StartsWith(missing.Message, "Could not find input column 'Photo'");
    }

    [TestMethod]
    public void FitDeclaresTheSizedImageTypeThatTransformProduces()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Photos(context, 64, 1);
        var estimator = context.Transforms.InvertImageRepresentation(new ImageInversionOptions
        {
            InputColumnName = "Image",
            Layer = "conv1",
            Iterations = 1,
            ImageWidth = 64,
            ImageHeight = 64,
            OutputWidth = 48,
            OutputHeight = 40,
        });
        var declared = estimator.GetOutputSchema(MLNetInternals.SchemaShapeOf(data.Schema)).Single(c => c.Name == "Reconstruction");
        using var transformer = estimator.Fit(data);
        var produced = transformer.GetOutputSchema(data.Schema)["Reconstruction"].Type;
        Assert.AreEqual(new ImageDataViewType(40, 48), produced);
        Assert.AreEqual(produced, declared.ItemType, "Fit and Transform agree on the image type, size included");
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";

        public float Number { get; set; }
    }
}
