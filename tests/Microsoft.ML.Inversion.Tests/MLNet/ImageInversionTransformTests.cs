using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.MLNet;

/// <summary>The inversion as an ML.NET pipeline step, on the real ResNet18 and the shared photographs.</summary>
[TestClass]
public sealed class ImageInversionTransformTests
{
    private static ImageInversionOptions Cheap(string layer = "conv1", int iterations = 5) => new()
    {
        OutputColumnName = "Reconstruction",
        InputColumnName = "Image",
        Layer = layer,
        Iterations = iterations,
        ImageWidth = 64,
        ImageHeight = 64,
        FeatureErrorColumnName = "FeatureError",
        IterationsColumnName = "Iterations",
    };

    [TestMethod]
    public void PipelineFromImageFilesAddsReconstructionsAndPassesOtherColumnsThrough()
    {
        var context = new MLContext(seed: 1);
        var messages = new List<string>();
        context.Log += (_, e) => { if (e.Source.Contains("ImageInversion")) lock (messages) messages.Add(e.Message); };
        var pipeline = context.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path")
            .Append(context.Transforms.ResizeImages("Image", 64, 64))
            .Append(context.Transforms.InvertImageRepresentation(Cheap()));

        using var model = pipeline.Fit(MLNetTestData.ImagePaths(context));
        IDataView output = model.Transform(MLNetTestData.ImagePaths(context));
        var rows = context.Data.CreateEnumerable<OutputWithPath>(output, reuseRowObject: false).ToArray();

        Assert.HasCount(3, rows);
        CollectionAssert.AreEqual(TestEnvironment.PhotographNames, rows.Select(r => r.Label).ToArray(), "pass-through column changed");
        foreach (var row in rows)
        {
            Assert.IsNotNull(row.Reconstruction);
            Assert.AreEqual(64, row.Reconstruction.Width);
            Assert.AreEqual(64, row.Reconstruction.Height);
            Assert.AreEqual(5, row.Iterations);
            Assert.IsTrue(row.FeatureError is > 0 and < 1, $"feature error {row.FeatureError}");
        }
        Assert.IsTrue(messages.Any(m => m.Contains("inverted 3 at layer 'conv1'")), "the MLContext log reports the work");
    }

    [TestMethod]
    public void SchemaProblemsFailAtFitWithTheColumnName()
    {
        var context = new MLContext();
        IDataView paths = MLNetTestData.ImagePaths(context);

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.Transforms.InvertImageRepresentation("Out", "Picture").Fit(paths));
        StringAssert.Contains(missing.Message, "Could not find input column 'Picture'");

        var text = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.Transforms.InvertImageRepresentation("Out", "Path").Fit(paths));
        StringAssert.Contains(text.Message, "Schema mismatch for input column 'Path'");
        StringAssert.Contains(text.Message, "expected an image (MLImage)");
        StringAssert.Contains(text.Message, "String");

        IDataView vectors = context.Data.LoadFromEnumerable([new VectorRow { Features = new float[100] }]);
        var length = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.Transforms.InvertFeatures("Out", "Features", layer: "pool5").Fit(vectors));
        StringAssert.Contains(length.Message, "'Features'");
        StringAssert.Contains(length.Message, "512 Single values");
        StringAssert.Contains(length.Message, "Vector<Single, 100>");
    }

    [TestMethod]
    public void TransformIsLazyAndACursorWithoutTheOutputRunsNoOptimisation()
    {
        var context = new MLContext();
        int reports = 0;
        var options = Cheap(iterations: 1000);
        options.Progress = new SynchronousProgress<InversionProgress>(_ => Interlocked.Increment(ref reports));
        IDataView data = MLNetTestData.Photos(context, 64, 3);
        using var transformer = context.Transforms.InvertImageRepresentation(options).Fit(data);

        IDataView output = transformer.Transform(data);
        using (var cursor = output.GetRowCursor([output.Schema["Name"]]))
        {
            var name = cursor.GetGetter<ReadOnlyMemory<char>>(output.Schema["Name"]);
            ReadOnlyMemory<char> value = default;
            int count = 0;
            while (cursor.MoveNext())
            {
                name(ref value);
                count++;
            }
            Assert.AreEqual(3, count);
        }

        // Progress comes every 10 steps of any optimisation, so no report means no step ran.
        Assert.AreEqual(0, reports, "no optimisation may run when the output column is not read");
    }

    [TestMethod]
    public void BatchedRowsEqualSingleRowsForAFixedSeed()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Photos(context, 64, 3);
        MLImage[] Run(int batchSize)
        {
            var options = Cheap("stage1", 15);
            options.BatchSize = batchSize;
            // In float32: bfloat16 kernels (where native) round a batch differently from a single row (0.3–0.5 grey
            // levels after these 15 steps), which says nothing about whether rows are kept apart.
            options.FullPrecision = true;
            using var transformer = context.Transforms.InvertImageRepresentation(options).Fit(data);
            return context.Data.CreateEnumerable<ReconstructionRow>(transformer.Transform(data), reuseRowObject: false).Select(r => r.Reconstruction!).ToArray();
        }

        MLImage[] batched = Run(3), single = Run(1);
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            Tensor difference = (ImageTensors.FromMLImage(batched[i]) - ImageTensors.FromMLImage(single[i])).abs();
            Assert.IsLessThan(0.05, difference.mean().item<float>(), $"row {i} differs between batch sizes 3 and 1");
        }
    }

    [TestMethod]
    public void FullPrecisionGivesTheFloat32InversionAndIsSaved()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Photos(context, 64, 1);
        var options = Cheap("stage1", 10);
        options.FullPrecision = true;
        using var transformer = context.Transforms.InvertImageRepresentation(options).Fit(data);
        string path = Path.Combine(TestEnvironment.NewTempFolder(), "inversion.json");
        transformer.SaveTo(path);
        StringAssert.Contains(File.ReadAllText(path), "\"FullPrecision\": true");
        using var loaded = context.Transforms.LoadImageInversion(path);
        ReconstructionRow row = context.Data.CreateEnumerable<ReconstructionRow>(loaded.Transform(data), reuseRowObject: false).Single();

        using var scope = NewDisposeScope();
        Tensor original = ImageTensors.FromMLImage(MLNetTestData.Photo(TestEnvironment.PhotographNames[0], 64));
        var network = BuiltInNetwork.ResNet18;
        using var expected = new FeatureInverter(network, "stage1", new InversionOptions
        {
            Iterations = 10,
            Seed = options.Seed,
            Execution = network.OptimizationExecution with { ComputeType = ScalarType.Float32 },
        }).InvertImages(original);
        Assert.AreEqual(expected.FeatureErrors[0], row.FeatureError, 1e-5, "the step's row is the float32 inversion's");
        Tensor difference = (ImageTensors.FromMLImage(row.Reconstruction!) - expected.Images.round()).abs();
        Assert.IsLessThan(0.05, difference.mean().item<float>(), "the step's image is the float32 inversion's");
    }

    [TestMethod]
    public void ProgressNamesRowsAndCancellationStopsPromptly()
    {
        var context = new MLContext();
        using var cancellation = new CancellationTokenSource();
        var seen = new List<InversionProgress>();
        var options = Cheap(iterations: 10_000);
        options.BatchSize = 1;
        options.CancellationToken = cancellation.Token;
        options.Progress = new SynchronousProgress<InversionProgress>(p =>
        {
            seen.Add(p);
            if (seen.Count == 2)
                cancellation.Cancel();
        });
        IDataView data = MLNetTestData.Photos(context, 64, 2);
        using var transformer = context.Transforms.InvertImageRepresentation(options).Fit(data);

        Assert.ThrowsExactly<OperationCanceledException>(() => context.Data.CreateEnumerable<ReconstructionRow>(transformer.Transform(data), false).ToArray());
        // Cancelled at the second report (step 20): the loop checks the token before every step, so it stops before
        // the third report (step 30) and the second row never starts.
        Assert.HasCount(2, seen, "no step ran long after the cancellation");
        Assert.AreEqual(0, seen[0].Row);
        Assert.AreEqual(10_000, seen[0].Iterations);
    }

    [TestMethod]
    public void ASliceTransformedWithItsSeedGivesTheWholeTransformsRows()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Photos(context, 64, 3);
        var options = Cheap("stage1", 10);
        using var transformer = context.Transforms.InvertImageRepresentation(options).Fit(data);
        var whole = context.Data.CreateEnumerable<ReconstructionRow>(transformer.Transform(data), false).ToArray();

        IDataView slice = context.Data.SkipRows(data, 1);
        using (var copy = transformer.WithSeed(options.Seed + 1))
        {
            var sliced = context.Data.CreateEnumerable<ReconstructionRow>(copy.Transform(slice), false).ToArray();
            Assert.HasCount(2, sliced);
            for (int i = 0; i < sliced.Length; i++)
                CollectionAssert.AreEqual(whole[i + 1].Reconstruction!.Pixels.ToArray(), sliced[i].Reconstruction!.Pixels.ToArray(), $"row {i + 1}");
        }
        // Without the slice's seed its first row would start from row 0's seed; and the copy left the network alive.
        var unseeded = context.Data.CreateEnumerable<ReconstructionRow>(transformer.Transform(slice), false).First();
        CollectionAssert.AreNotEqual(whole[1].Reconstruction!.Pixels.ToArray(), unseeded.Reconstruction!.Pixels.ToArray());
    }

    [TestMethod]
    public void SavedTransformerLoadsBackAndGivesIdenticalOutputs()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Photos(context, 64, 2);
        using var transformer = context.Transforms.InvertImageRepresentation(Cheap("stage1", 10)).Fit(data);
        string path = Path.Combine(TestEnvironment.NewTempFolder(), "inversion.json");

        transformer.SaveTo(path);
        using var loaded = context.Transforms.LoadImageInversion(path);

        var before = context.Data.CreateEnumerable<ReconstructionRow>(transformer.Transform(data), false).ToArray();
        var after = context.Data.CreateEnumerable<ReconstructionRow>(loaded.Transform(data), false).ToArray();
        for (int i = 0; i < before.Length; i++)
        {
            CollectionAssert.AreEqual(before[i].Reconstruction!.Pixels.ToArray(), after[i].Reconstruction!.Pixels.ToArray(), $"row {i}");
            Assert.AreEqual(before[i].FeatureError, after[i].FeatureError);
        }
        Assert.AreEqual(transformer.Layer, loaded.Layer);
    }

    [TestMethod]
    public void ModelSaveOnAChainWithTheStepSaysWhatToDoInstead()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Photos(context, 64, 1);
        using var model = context.Transforms.CopyColumns("Copy", "Name").Append(context.Transforms.InvertImageRepresentation(Cheap())).Fit(data);

        var error = Assert.Throws<Exception>(() => context.Model.Save(model, data.Schema, Path.Combine(TestEnvironment.NewTempFolder(), "model.zip")));
        string all = error.ToString();
        StringAssert.Contains(all, "cannot be saved with MLContext.Model.Save");
        StringAssert.Contains(all, "SaveTo(path)");
    }

    [TestMethod]
    public void BadRowsNameTheRowAndReasonOrAreSkipped()
    {
        var context = new MLContext();
        using var scope = NewDisposeScope();
        MLImage gray = ImageTensors.ToMLImage(full(3, 64, 64, 90f));
        byte[] transparentPixels = MLNetTestData.Photo("coffee.png", 64).Pixels.ToArray();
        transparentPixels[3] = 0;
        MLImage transparent = MLImage.CreateFromPixels(64, 64, MLPixelFormat.Rgba32, transparentPixels);
        IDataView data = MLNetTestData.Rows(context,
            new ImageRow { Image = MLNetTestData.Photo("chelsea.png", 64), Name = "good" },
            new ImageRow { Image = null, Name = "missing" },
            new ImageRow { Image = MLNetTestData.Photo("coffee.png", 16), Name = "tiny" },
            new ImageRow { Image = gray, Name = "gray" },
            new ImageRow { Image = transparent, Name = "alpha" });

        using var strict = context.Transforms.InvertImageRepresentation(Cheap()).Fit(data);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => context.Data.CreateEnumerable<ReconstructionRow>(strict.Transform(data), false).ToArray());
        StringAssert.Contains(error.Message, "Row 1: the image in column 'Image' is missing or empty");

        var options = Cheap();
        options.BadRows = BadRowPolicy.Skip;
        options.BatchSize = 5;
        var messages = new List<string>();
        context.Log += (_, e) => { if (e.Source.Contains("ImageInversion")) lock (messages) messages.Add(e.Message); };
        using var lenient = context.Transforms.InvertImageRepresentation(options).Fit(data);
        var rows = context.Data.CreateEnumerable<ReconstructionRow>(lenient.Transform(data), false).ToArray();

        Assert.IsNotNull(rows[0].Reconstruction);
        Assert.IsFalse(float.IsNaN(rows[0].FeatureError));
        for (int i = 1; i < 5; i++)
        {
            Assert.IsNull(rows[i].Reconstruction, rows[i].Name);
            Assert.IsTrue(float.IsNaN(rows[i].FeatureError), rows[i].Name);
        }
        StringAssert.Contains(string.Join("\n", messages), "Row 2: the image in column 'Image' is 16×16, smaller than the minimum 32×32");
        StringAssert.Contains(string.Join("\n", messages), "Row 3: the image in column 'Image' is grayscale");
        StringAssert.Contains(string.Join("\n", messages), "Row 4: the image in column 'Image' has transparent pixels");
    }

    [TestMethod]
    public void ABadRowLaterInABatchDoesNotStopTheGoodRowsBeforeIt()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Rows(context,
            new ImageRow { Image = MLNetTestData.Photo("chelsea.png", 64), Name = "first" },
            new ImageRow { Image = MLNetTestData.Photo("coffee.png", 64), Name = "second" },
            new ImageRow { Image = null, Name = "missing" });
        var options = Cheap();
        options.BatchSize = 3;
        using var transformer = context.Transforms.InvertImageRepresentation(options).Fit(data);
        IDataView output = transformer.Transform(data);

        using var cursor = output.GetRowCursor(output.Schema);
        var getter = cursor.GetGetter<MLImage>(output.Schema["Reconstruction"]);
        MLImage image = null!;
        for (int row = 0; row < 2; row++)
        {
            Assert.IsTrue(cursor.MoveNext());
            getter(ref image);
            Assert.AreEqual(64, image.Width, $"row {row}");
        }
        Assert.IsTrue(cursor.MoveNext());
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => getter(ref image));
        StringAssert.Contains(error.Message, "Row 2: the image in column 'Image' is missing or empty");
    }

    [TestMethod]
    public void NonFiniteFeatureVectorsNameTheRow()
    {
        var context = new MLContext();
        var good = Enumerable.Range(0, 512).Select(i => (float)(i % 7)).ToArray();
        var bad = (float[])good.Clone();
        bad[10] = float.NaN;
        IDataView data = context.Data.LoadFromEnumerable([new EmbeddingRow { Features = good }, new EmbeddingRow { Features = bad }]);
        using var transformer = context.Transforms.InvertImageRepresentation(new ImageInversionOptions
        {
            OutputColumnName = "Reconstruction",
            InputColumnName = "Features",
            Layer = "pool5",
            Iterations = 2,
            OutputWidth = 64,
            OutputHeight = 64,
        }).Fit(data);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => context.Data.CreateEnumerable<FeatureReconstructionRow>(transformer.Transform(data), false).ToArray());
        StringAssert.Contains(error.Message, "Row 1: the feature vector in column 'Features' has a NaN value at index 10");
    }

    [TestMethod]
    public void GpuRequestWithoutCudaFailsClearlyOrFallsBackToCpu()
    {
        if (cuda.is_available())
            Assert.Inconclusive("CUDA is available here; the fallback path cannot be exercised.");
        IDataView data = MLNetTestData.Photos(new MLContext(), 64, 1);
        var strict = new MLContext { GpuDeviceId = 0, FallbackToCpu = false };
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => strict.Transforms.InvertImageRepresentation(Cheap()).Fit(data));
        StringAssert.Contains(error.Message, "FallbackToCpu");

        var lenient = new MLContext { GpuDeviceId = 0, FallbackToCpu = true };
        using var transformer = lenient.Transforms.InvertImageRepresentation(Cheap()).Fit(data);
        Assert.IsNotNull(lenient.Data.CreateEnumerable<ReconstructionRow>(transformer.Transform(data), false).Single().Reconstruction);
    }

    [TestMethod]
    public void PredictionEngineUsesTheRowMapper()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Photos(context, 64, 1);
        using var transformer = context.Transforms.InvertImageRepresentation(Cheap()).Fit(data);
        var engine = context.Model.CreatePredictionEngine<ImageRow, ReconstructionRow>(transformer);
        var result = engine.Predict(new ImageRow { Image = MLNetTestData.Photo("astronaut.png", 64), Name = "astronaut" });
        Assert.AreEqual("astronaut", result.Name);
        Assert.AreEqual(64, result.Reconstruction!.Width);
        Assert.IsTrue(result.FeatureError is > 0 and < 1);
    }

    public sealed class OutputWithPath
    {
        public string Label { get; set; } = "";

        [ImageType(64, 64)]
        public MLImage? Reconstruction { get; set; }

        public float FeatureError { get; set; }

        public int Iterations { get; set; }
    }

    public sealed class VectorRow
    {
        [VectorType(100)]
        public float[] Features { get; set; } = [];
    }

    public sealed class FeatureReconstructionRow
    {
        [ImageType(64, 64)]
        public MLImage? Reconstruction { get; set; }
    }

    public sealed class EmbeddingRow
    {
        [VectorType(512)]
        public float[] Features { get; set; } = [];
    }
}
