using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.MLNet;

internal static class MLNetTestData
{
    /// <summary>The shared photographs centre-cropped to size×size as MLImages.</summary>
    public static MLImage Photo(string name, int size)
    {
        using var scope = NewDisposeScope();
        return ImageTensors.ToMLImage(ImageTensors.LoadCentered(TestEnvironment.Photograph(name), size, size));
    }

    public static IDataView Rows(MLContext context, params ImageRow[] rows) => context.Data.LoadFromEnumerable(rows);

    public static IDataView Photos(MLContext context, int size, int count) =>
        Rows(context, Enumerable.Range(0, count)
            .Select(i => new ImageRow { Image = Photo(TestEnvironment.PhotographNames[i % 3], size), Name = $"row{i}" }).ToArray());

    /// <summary>A text file listing the shared photographs, for LoadImages pipelines.</summary>
    public static IDataView ImagePaths(MLContext context) =>
        context.Data.LoadFromEnumerable(TestEnvironment.PhotographNames.Select(n => new PathRow { Path = TestEnvironment.Photograph(n), Label = n }));

    public sealed class PathRow
    {
        public string Path { get; set; } = "";

        public string Label { get; set; } = "";
    }
}
