using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.MLNet;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.MLNet;

/// <summary>
/// Two cursors over one fitted step, read from two threads at once, give what one sequential read gives: the steps
/// keep no per-call state on their shared backbone (before the redesign, maximisation switched the backbone's ReLU
/// leak on and off, so overlapping reads changed each other's images).
/// </summary>
[TestClass]
public sealed class ConcurrentCursorTests
{
    private static float[][] Read(IDataView view, string column)
    {
        var images = new List<float[]>();
        using var cursor = view.GetRowCursor([view.Schema[column]]);
        var getter = cursor.GetGetter<MLImage>(view.Schema[column]);
        while (cursor.MoveNext())
        {
            MLImage image = null!;
            getter(ref image);
            using var scope = NewDisposeScope();
            images.Add(ImageTensors.FromMLImage(image).flatten().data<float>().ToArray());
        }
        return images.ToArray();
    }

    private static void AssertConcurrentReadsEqualSequential(IDataView view, string column)
    {
        float[][] sequential = Read(view, column);
        var concurrent = new float[2][][];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, k => concurrent[k] = Read(view, column));
        foreach (float[][] run in concurrent)
        {
            Assert.HasCount(sequential.Length, run);
            for (int row = 0; row < run.Length; row++)
            {
                // Float rounding only: the same tolerance as batches against singles (0.01 grey levels on average).
                double mean = run[row].Zip(sequential[row], (a, b) => Math.Abs(a - b)).Average();
                Assert.IsLessThan(0.01, mean, $"row {row}: mean difference {mean} grey levels");
            }
        }
    }

    [TestMethod]
    public void MaximizationStepReadFromTwoThreadsGivesTheSequentialImages()
    {
        var context = new MLContext();
        IDataView requests = context.Data.LoadFromEnumerable(new[] { new ChannelRow { Channel = 3 }, new ChannelRow { Channel = 42 } });
        using var transformer = context.Transforms.MaximizeActivations(new ActivationMaximizationOptions
        {
            Layer = "stage2",
            Iterations = 10,
            ImageWidth = 64,
            ImageHeight = 64,
        }).Fit(requests);
        AssertConcurrentReadsEqualSequential(transformer.Transform(requests), "Visualization");
    }

    [TestMethod]
    public void InversionStepReadFromTwoThreadsGivesTheSequentialImages()
    {
        var context = new MLContext();
        IDataView photos = MLNetTestData.Photos(context, 64, 2);
        using var transformer = context.Transforms.InvertImageRepresentation(new ImageInversionOptions
        {
            InputColumnName = "Image",
            Layer = "stage2",
            Iterations = 10,
            ImageWidth = 64,
            ImageHeight = 64,
        }).Fit(photos);
        AssertConcurrentReadsEqualSequential(transformer.Transform(photos), "Reconstruction");
    }

    public sealed class ChannelRow
    {
        public int Channel { get; set; }
    }
}
