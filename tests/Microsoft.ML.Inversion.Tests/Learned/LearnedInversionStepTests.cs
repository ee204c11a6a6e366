using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Learned;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Inversion.Tests.MLNet;

namespace Microsoft.ML.Inversion.Tests.Learned;

/// <summary>mlContext.Transforms.TrainImageInverter on the real ResNet18's stage2 and the shared photographs at 64×64.</summary>
[TestClass]
public sealed class LearnedInversionStepTests
{
    // Four rows: three photographs and, at position 1, a 16×16 image (below the 32-pixel minimum).
    private static IDataView RowsWithABadOne(MLContext context)
    {
        var tiny = MLImage.CreateFromPixels(16, 16, MLPixelFormat.Bgra32, Enumerable.Range(0, 16 * 16 * 4).Select(i => (byte)(i % 4 == 3 ? 255 : i % 200)).ToArray());
        return MLNetTestData.Rows(context,
            new ImageRow { Image = MLNetTestData.Photo("astronaut.png", 64), Name = "a" },
            new ImageRow { Image = tiny, Name = "tiny" },
            new ImageRow { Image = MLNetTestData.Photo("chelsea.png", 64), Name = "c" },
            new ImageRow { Image = MLNetTestData.Photo("coffee.png", 64), Name = "d" });
    }

    private static LearnedInversionOptions Options(BadRowPolicy policy, List<DecoderTrainingProgress>? steps = null) => new()
    {
        InputColumnName = "Image",
        Layer = "stage2",
        ImageWidth = 64,
        ImageHeight = 64,
        BadRows = policy,
        FeatureErrorColumnName = "FeatureError",
        IterationsColumnName = "Iterations",
        Training = new DecoderTrainingOptions { Epochs = 2, BatchSize = 2, CropSize = 64, CropsPerImage = 2 },
        TrainingProgress = steps is null ? null : new SynchronousProgress<DecoderTrainingProgress>(steps.Add),
    };

    private static float[][] Pixels(MLContext context, ITransformer transformer, IDataView data) =>
        context.Data.CreateEnumerable<ReconstructionRow>(transformer.Transform(data), reuseRowObject: false)
            .Select(r => r.Reconstruction is null ? [] : r.Reconstruction.Pixels.ToArray().Select(p => (float)p).ToArray()).ToArray();

    [TestMethod]
    public void FitUnderThrowFailsOnTheBadTrainingRowNamingIt()
    {
        var context = new MLContext();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => context.Transforms.TrainImageInverter(Options(BadRowPolicy.Throw)).Fit(RowsWithABadOne(context)));
        StringAssert.Contains(error.Message, "Training row 1");
        StringAssert.Contains(error.Message, "16×16");
    }

    [TestMethod]
    public void FitUnderSkipTrainsOnTheGoodRowsAndTransformReconstructsEachRow()
    {
        var context = new MLContext();
        var steps = new List<DecoderTrainingProgress>();
        IDataView data = RowsWithABadOne(context);
        using var transformer = context.Transforms.TrainImageInverter(Options(BadRowPolicy.Skip, steps)).Fit(data);

        // Three good rows × 2 crops = 6 crops, batches of 2: 3 steps per epoch (the bad row would have made 4).
        Assert.HasCount(6, steps);
        var rows = context.Data.CreateEnumerable<ReconstructionRow>(transformer.Transform(data), reuseRowObject: false).ToArray();
        Assert.HasCount(4, rows);
        Assert.IsNull(rows[1].Reconstruction, "the bad row gets an empty output under Skip");
        Assert.IsTrue(float.IsNaN(rows[1].FeatureError));
        foreach (int i in new[] { 0, 2, 3 })
        {
            Assert.AreEqual(64, rows[i].Reconstruction!.Width);
            Assert.IsTrue(rows[i].FeatureError is > 0 and < 2, $"row {i}'s feature error {rows[i].FeatureError}");
        }
    }

    [TestMethod]
    public void SaveToAndLoadReconstructIdentically()
    {
        var context = new MLContext();
        IDataView photos = MLNetTestData.Photos(context, 64, 3);
        using var fitted = context.Transforms.TrainImageInverter(Options(BadRowPolicy.Throw)).Fit(photos);
        string path = Path.Combine(TestEnvironment.NewTempFolder(), "learned.json");
        fitted.SaveTo(path);
        using var loaded = context.Transforms.LoadLearnedInversion(path);

        float[][] before = Pixels(context, fitted, photos), after = Pixels(context, loaded, photos);
        Assert.IsTrue(File.Exists(path + ".decoder.weights"), "the decoder's weights are saved beside the step");
        Assert.HasCount(3, after);
        for (int i = 0; i < 3; i++)
            CollectionAssert.AreEqual(before[i], after[i], $"row {i}: the loaded step reconstructs exactly what the saved one did");
        Assert.IsGreaterThan(0, before[0].Distinct().Count() - 1, "the output is an image");
    }
}
