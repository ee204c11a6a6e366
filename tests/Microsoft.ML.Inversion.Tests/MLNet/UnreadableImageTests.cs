using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.MLNet;

/// <summary>
/// A folder of good and broken image files through LoadImages → inversion: a broken file costs exactly its own row,
/// whatever the batch size, and under Throw its error names the row and the file.
/// </summary>
[TestClass]
public sealed class UnreadableImageTests
{
    private static readonly bool[] Good = [true, false, true, false, true, false, true];

    /// <summary>Seven paths: photographs at the even positions, a corrupt, a truncated and a missing file between.</summary>
    private static string[] Files()
    {
        string folder = TestEnvironment.NewTempFolder();
        var files = new string[Good.Length];
        for (int i = 0; i < files.Length; i += 2)
        {
            files[i] = Path.Combine(folder, $"good{i}.png");
            using var scope = NewDisposeScope();
            ImageTensors.Save(ImageTensors.LoadCentered(TestEnvironment.Photograph(TestEnvironment.PhotographNames[i / 2 % 3]), 80, 80)[0], files[i]);
        }
        files[1] = Path.Combine(folder, "corrupt.png");
        File.WriteAllBytes(files[1], Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray());
        files[3] = Path.Combine(folder, "truncated.png");
        byte[] png = File.ReadAllBytes(files[0]);
        File.WriteAllBytes(files[3], png[..(png.Length / 2)]);
        files[5] = Path.Combine(folder, "missing.png");
        return files;
    }

    private static ITransformer Fit(MLContext context, IDataView paths, int batchSize, BadRowPolicy policy) =>
        context.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path")
            .Append(context.Transforms.InvertImageRepresentation(new ImageInversionOptions
            {
                InputColumnName = "Image",
                PathColumnName = "Path",
                Layer = "conv1",
                Iterations = 2,
                ImageWidth = 64,
                ImageHeight = 64,
                BatchSize = batchSize,
                BadRows = policy,
            }))
            .Fit(paths);

    [TestMethod]
    [DataRow(1)]
    [DataRow(4)]
    [DataRow(7)]
    public void UnderSkipABrokenFileCostsOnlyItsOwnRow(int batchSize)
    {
        var context = new MLContext();
        string[] files = Files();
        IDataView paths = context.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var model = Fit(context, paths, batchSize, BadRowPolicy.Skip);
        try
        {
            var rows = context.Data.CreateEnumerable<Output>(model.Transform(paths), reuseRowObject: false).ToArray();
            Assert.HasCount(files.Length, rows, "no row is lost");
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.AreEqual(files[i], rows[i].Path, "the path column passes through");
                Assert.AreEqual(Good[i], rows[i].Reconstruction is not null, $"row {i} ({Path.GetFileName(files[i])}), batch size {batchSize}");
            }
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    public void UnderThrowReadingABrokenRowNamesTheRowAndTheFileAndTheGoodRowsStillComeOut()
    {
        var context = new MLContext();
        string[] files = Files();
        IDataView paths = context.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
        var model = Fit(context, paths, 4, BadRowPolicy.Throw);
        try
        {
            IDataView output = model.Transform(paths);
            using var cursor = output.GetRowCursor([output.Schema["Reconstruction"]]);
            var getter = cursor.GetGetter<MLImage>(output.Schema["Reconstruction"]);
            for (int i = 0; cursor.MoveNext(); i++)
            {
                MLImage image = null!;
                if (Good[i])
                {
                    getter(ref image);
                    Assert.IsNotNull(image, $"good row {i}");
                    continue;
                }
                var e = Assert.ThrowsExactly<InvalidOperationException>(() => getter(ref image));
                StringAssert.Contains(e.Message, $"Row {i} (file '{files[i]}')");
                Console.WriteLine(e.Message);
            }
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    public sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    public sealed class Output
    {
        public string Path { get; set; } = "";

        [ImageType(64, 64)]
        public MLImage? Reconstruction { get; set; }
    }
}
