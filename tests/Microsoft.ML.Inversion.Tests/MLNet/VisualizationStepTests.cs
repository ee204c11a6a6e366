using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.MLNet;

/// <summary>Caricatures and activation maximisation as ML.NET pipeline steps, on the real ResNet18.</summary>
[TestClass]
public sealed class VisualizationStepTests
{
    [TestMethod]
    public void CaricatureStepAmplifiesWhatTheLayerSeesAndPassesOtherColumnsThrough()
    {
        var context = new MLContext();
        IDataView data = MLNetTestData.Photos(context, 64, 2);
        var estimator = context.Transforms.CaricatureImages(new CaricatureOptions
        {
            OutputColumnName = "Caricature",
            InputColumnName = "Image",
            Layer = "stage2",
            Iterations = 40,
            ImageWidth = 64,
            ImageHeight = 64,
            AmplificationColumnName = "Score",
        });

        using var transformer = estimator.Fit(data);
        var rows = context.Data.CreateEnumerable<CaricatureRow>(transformer.Transform(data), reuseRowObject: false).ToArray();

        Assert.HasCount(2, rows);
        CollectionAssert.AreEqual(new[] { "row0", "row1" }, rows.Select(r => r.Name).ToArray());
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.IsNotNull(rows[i].Caricature);
            using var scope = NewDisposeScope();
            Tensor caricature = ImageTensors.FromMLImage(rows[i].Caricature!);
            Tensor original = ImageTensors.LoadCentered(TestEnvironment.Photograph(TestEnvironment.PhotographNames[i]), 64, 64);
            // The score is ⟨Φ(x),Φ0⟩/‖Φ0‖²: measure it again on the 8-bit output image.
            double measured;
            using (no_grad())
            {
                Tensor target = BuiltInNetwork.ResNet18.Featurize(original, "stage2");
                Tensor features = BuiltInNetwork.ResNet18.Featurize(caricature, "stage2");
                measured = ((features * target).sum() / target.square().sum()).item<float>();
            }
            Console.WriteLine($"row {i}: score {rows[i].Score:F3}, measured on the saved image {measured:F3}");
            Assert.IsGreaterThan(1.1f, rows[i].Score, "the caricature amplifies the layer's view of the image (the original scores 1)");
            Assert.AreEqual(rows[i].Score, measured, 0.05 * measured);
        }
    }

    [TestMethod]
    public void CaricatureNeedsImagesAndSaysSo()
    {
        var context = new MLContext();
        IDataView vectors = context.Data.LoadFromEnumerable([new ImageInversionTransformTests.VectorRow { Features = new float[512] }]);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.Transforms.CaricatureImages("Out", "Features", layer: "pool5").Fit(vectors));
        StringAssert.Contains(error.Message, "'Features'");
        StringAssert.Contains(error.Message, "a caricature starts from the image");
    }

    [TestMethod]
    public void MaximizationStepTurnsRowsNamingLayerAndChannelIntoImagesThatFire()
    {
        var context = new MLContext();
        IDataView requests = context.Data.LoadFromEnumerable(new[]
        {
            new ChannelRow { Layer = "stage2", Channel = 3, Name = "a" },
            new ChannelRow { Layer = "stage1", Channel = 5, Name = "b" },
            new ChannelRow { Layer = "stage2", Channel = 42, Name = "c" },
        });
        var options = new ActivationMaximizationOptions
        {
            LayerColumnName = "Layer",
            ImageWidth = 64,
            ImageHeight = 64,
            Iterations = 40,
            ActivationColumnName = "Activation",
        };

        using var transformer = context.Transforms.MaximizeActivations(options).Fit(requests);
        var rows = context.Data.CreateEnumerable<VisualizationRow>(transformer.Transform(requests), reuseRowObject: false).ToArray();

        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, rows.Select(r => r.Name).ToArray());
        using var scope = NewDisposeScope();
        Tensor photos = cat(TestEnvironment.PhotographNames.Select(n => ImageTensors.LoadCentered(TestEnvironment.Photograph(n), 64, 64)).ToArray(), 0);
        string[] layers = ["stage2", "stage1", "stage2"];
        int[] channels = [3, 5, 42];
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.IsNotNull(rows[i].Visualization);
            double onPhotos, onImage;
            using (no_grad())
            {
                onPhotos = BuiltInNetwork.ResNet18.Featurize(photos, layers[i]).select(1, channels[i]).mean().item<float>();
                onImage = BuiltInNetwork.ResNet18.Featurize(ImageTensors.FromMLImage(rows[i].Visualization!), layers[i]).select(1, channels[i]).mean().item<float>();
            }
            Console.WriteLine($"{layers[i]} channel {channels[i]}: {rows[i].Activation:F3} (measured on the saved image {onImage:F3}) vs {onPhotos:F3} on the photographs");
            Assert.IsGreaterThan(3 * Math.Max(onPhotos, 1e-3), onImage, $"row {i}: the generated image makes its channel fire");
            Assert.AreEqual(rows[i].Activation, onImage, 0.1 * onImage + 1e-3);
        }
    }

    [TestMethod]
    public void MaximizationStepWithAPositionColumnDrivesThatUnitAboveTheRestOfItsMap()
    {
        var context = new MLContext();
        // stage2 at 64×64 is an 8×8 map: position 27 is row 3, column 3; 9 is row 1, column 1.
        IDataView requests = context.Data.LoadFromEnumerable(new[]
        {
            new UnitRow { Channel = 3, Position = 27, Name = "a" },
            new UnitRow { Channel = 42, Position = 9, Name = "b" },
            new UnitRow { Channel = 42, Position = 64, Name = "outside" },
        });
        var options = new ActivationMaximizationOptions
        {
            Layer = "stage2",
            PositionColumnName = "Position",
            ImageWidth = 64,
            ImageHeight = 64,
            Iterations = 40,
            ActivationColumnName = "Activation",
            BadRows = BadRowPolicy.Skip,
        };
        using var transformer = context.Transforms.MaximizeActivations(options).Fit(requests);
        var rows = context.Data.CreateEnumerable<VisualizationRow>(transformer.Transform(requests), reuseRowObject: false, ignoreMissingColumns: true).ToArray();
        CollectionAssert.AreEqual(new[] { "a", "b", "outside" }, rows.Select(r => r.Name).ToArray(), "no row is lost");
        Assert.IsNull(rows[2].Visualization, "position 64 is outside the 8×8 map and is skipped");
        int[] channels = [3, 42], positions = [27, 9];
        using var scope = NewDisposeScope();
        for (int i = 0; i < 2; i++)
        {
            using var noGrad = no_grad();
            Tensor map = BuiltInNetwork.ResNet18.Featurize(ImageTensors.FromMLImage(rows[i].Visualization!), "stage2")[0, channels[i]].flatten();
            double unit = map[positions[i]].item<float>();
            long strongest = map.argmax().item<long>();
            Console.WriteLine($"channel {channels[i]} at {positions[i]}: {unit:F3} (column {rows[i].Activation:F3}); map mean {map.mean().item<float>():F3}, strongest at {strongest}");
            Assert.AreEqual(positions[i], strongest, $"row {i}: the chosen unit is the strongest of its channel's map");
            Assert.AreEqual(rows[i].Activation, unit, 0.1 * Math.Abs(unit) + 1e-3, "the activation column is that unit's value");
        }

        var wrongType = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            context.Transforms.MaximizeActivations(new ActivationMaximizationOptions { PositionColumnName = "Name" }).Fit(requests));
        StringAssert.Contains(wrongType.Message, "Schema mismatch for input column 'Name': expected an integer, Single or Double scalar (the unit's position)");
        options.BadRows = BadRowPolicy.Throw;
        using var strict = context.Transforms.MaximizeActivations(options).Fit(requests);
        var output = strict.Transform(requests);
        using var cursor = output.GetRowCursor(output.Schema);
        var image = cursor.GetGetter<MLImage>(output.Schema["Visualization"]);
        MLImage value = null!;
        for (int i = 0; i < 3; i++)
            Assert.IsTrue(cursor.MoveNext());
        var outside = Assert.ThrowsExactly<InvalidOperationException>(() => image(ref value));
        StringAssert.Contains(outside.Message, "column 'Position' is 64");
        StringAssert.Contains(outside.Message, "0–63");
    }

    [TestMethod]
    public void MaximizationRowsWithUnknownLayersOrChannelsNameTheRowOrAreSkipped()
    {
        var context = new MLContext();
        IDataView requests = context.Data.LoadFromEnumerable(new[]
        {
            new ChannelRow { Layer = "conv1", Channel = 1, Name = "good" },
            new ChannelRow { Layer = "conv1", Channel = 64, Name = "no such channel" },
            new ChannelRow { Layer = "stage9", Channel = 0, Name = "no such layer" },
        });
        var options = new ActivationMaximizationOptions { LayerColumnName = "Layer", ImageWidth = 64, ImageHeight = 64, Iterations = 2 };
        using var strict = context.Transforms.MaximizeActivations(options).Fit(requests);
        var output = strict.Transform(requests);
        using (var cursor = output.GetRowCursor(output.Schema))
        {
            var image = cursor.GetGetter<MLImage>(output.Schema["Visualization"]);
            MLImage value = null!;
            Assert.IsTrue(cursor.MoveNext());
            image(ref value);
            Assert.IsNotNull(value, "the good row comes out");
            Assert.IsTrue(cursor.MoveNext());
            var channel = Assert.ThrowsExactly<InvalidOperationException>(() => image(ref value));
            StringAssert.Contains(channel.Message, "Row 1");
            StringAssert.Contains(channel.Message, "column 'Channel' is 64");
            StringAssert.Contains(channel.Message, "0–63");
            Assert.IsTrue(cursor.MoveNext());
            var layer = Assert.ThrowsExactly<InvalidOperationException>(() => image(ref value));
            StringAssert.Contains(layer.Message, "Row 2");
            StringAssert.Contains(layer.Message, "column 'Layer'");
            StringAssert.Contains(layer.Message, "stage9");
        }

        options.BadRows = BadRowPolicy.Skip;
        using var lenient = context.Transforms.MaximizeActivations(options).Fit(requests);
        var rows = context.Data.CreateEnumerable<VisualizationRow>(lenient.Transform(requests), reuseRowObject: false, ignoreMissingColumns: true).ToArray();
        Assert.IsNotNull(rows[0].Visualization);
        Assert.IsNull(rows[1].Visualization);
        Assert.IsNull(rows[2].Visualization);

        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.Transforms.MaximizeActivations(channelColumnName: "Unit").Fit(requests));
        StringAssert.Contains(missing.Message, "'Unit'");
        var wrongType = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.Transforms.MaximizeActivations(channelColumnName: "Name").Fit(requests));
        StringAssert.Contains(wrongType.Message, "Schema mismatch for input column 'Name': expected an integer, Single or Double scalar");
        var naive = Assert.ThrowsExactly<ArgumentException>(() => context.Transforms.MaximizeActivations(new ActivationMaximizationOptions { Preset = "naive" }));
        StringAssert.Contains(naive.Message, "naive");
    }

    [TestMethod]
    public void SavedMaximizationStepLoadsBackAndGivesIdenticalImages()
    {
        var context = new MLContext();
        IDataView requests = context.Data.LoadFromEnumerable(new[] { new ChannelRow { Channel = 7, Name = "x" } });
        var options = new ActivationMaximizationOptions { Layer = "stage1", ImageWidth = 64, ImageHeight = 64, Iterations = 5 };
        using var transformer = context.Transforms.MaximizeActivations(options).Fit(requests);
        string path = Path.Combine(TestEnvironment.NewTempFolder(), "maximize.json");

        transformer.SaveTo(path);
        using var loaded = context.Transforms.LoadActivationMaximization(path);

        var before = context.Data.CreateEnumerable<VisualizationRow>(transformer.Transform(requests), false, ignoreMissingColumns: true).Single();
        var after = context.Data.CreateEnumerable<VisualizationRow>(loaded.Transform(requests), false, ignoreMissingColumns: true).Single();
        CollectionAssert.AreEqual(before.Visualization!.Pixels.ToArray(), after.Visualization!.Pixels.ToArray());
        var foreign = Path.Combine(TestEnvironment.NewTempFolder(), "other.json");
        File.WriteAllText(foreign, "{\"Format\":\"something else\",\"Version\":1}");
        Assert.ThrowsExactly<InvalidDataException>(() => context.Transforms.LoadActivationMaximization(foreign));
    }

    public sealed class CaricatureRow
    {
        [ImageType(64, 64)]
        public MLImage? Caricature { get; set; }

        public string Name { get; set; } = "";

        public float Score { get; set; }
    }

    public sealed class ChannelRow
    {
        public string Layer { get; set; } = "";

        public int Channel { get; set; }

        public string Name { get; set; } = "";
    }

    public sealed class UnitRow
    {
        public int Channel { get; set; }

        public int Position { get; set; }

        public string Name { get; set; } = "";
    }

    public sealed class VisualizationRow
    {
        [ImageType(64, 64)]
        public MLImage? Visualization { get; set; }

        public string Name { get; set; } = "";

        public float Activation { get; set; }
    }
}
