using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Inversion.MLNet;

namespace Microsoft.ML.Inversion.Tests.MLNet;

[TestClass]
public sealed class StreamingMemoryTests
{
    [TestMethod]
    public void MemoryStaysFlatOverTwoHundredRows()
    {
        var context = new MLContext();
        MLImage[] photos = TestEnvironment.PhotographNames.Select(n => MLNetTestData.Photo(n, 32)).ToArray();
        IDataView data = context.Data.LoadFromEnumerable(Enumerable.Range(0, 200).Select(i => new ImageRow { Image = photos[i % 3], Name = $"row{i}" }));
        var options = new ImageInversionOptions
        {
            OutputColumnName = "Reconstruction",
            InputColumnName = "Image",
            Layer = "conv1",
            Iterations = 1,
            ImageWidth = 32,
            ImageHeight = 32,
            FeatureErrorColumnName = "FeatureError",
        };
        using var transformer = context.Transforms.InvertImageRepresentation(options).Fit(data);
        IDataView output = transformer.Transform(data);

        (long Managed, long Native) atRow20 = default, atRow200 = default;
        using (var cursor = output.GetRowCursor(output.Schema))
        {
            var image = cursor.GetGetter<MLImage>(output.Schema["Reconstruction"]);
            var error = cursor.GetGetter<float>(output.Schema["FeatureError"]);
            MLImage value = null!;
            float score = 0;
            while (cursor.MoveNext())
            {
                image(ref value);
                error(ref score);
                Assert.IsFalse(float.IsNaN(score));
                if (cursor.Position == 19)
                    atRow20 = Measure();
                if (cursor.Position == 199)
                    atRow200 = Measure();
            }
        }

        double managedGrowth = (atRow200.Managed - atRow20.Managed) / 1048576.0, nativeGrowth = (atRow200.Native - atRow20.Native) / 1048576.0;
        Console.WriteLine($"after row 20: managed {atRow20.Managed / 1048576.0:F1} MB, RSS {atRow20.Native / 1048576.0:F1} MB; " +
                          $"after row 200: managed {atRow200.Managed / 1048576.0:F1} MB, RSS {atRow200.Native / 1048576.0:F1} MB");
        Assert.IsLessThan(10.0, managedGrowth, $"managed memory grew by {managedGrowth:F1} MB over 180 rows");
        Assert.IsLessThan(40.0, nativeGrowth, $"process memory grew by {nativeGrowth:F1} MB over 180 rows");
    }

    private static (long Managed, long Native) Measure()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}
