using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Inversion.Tests.MLNet;

// The example in docs/mlnet.md, verbatim between the markers; PipelineExampleTests runs it.
public static class PipelineExample
{
    // docs/mlnet.md example begins
    public sealed class ImageFile
    {
        public string Path { get; set; } = "";
    }

    public sealed class Reconstructed
    {
        public string Path { get; set; } = "";

        [ImageType(224, 224)]
        public MLImage? Reconstruction { get; set; }

        public float FeatureError { get; set; }
    }

    /// <summary>Inverts `layer` of the built-in ResNet18 for every PNG in `imageFolder`, writing PNGs to `outputFolder`.</summary>
    public static IReadOnlyList<Reconstructed> Run(string imageFolder, string outputFolder, string layer = "stage2", int iterations = 350)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView files = mlContext.Data.LoadFromEnumerable(
            Directory.GetFiles(imageFolder, "*.png").Order().Select(p => new ImageFile { Path = p }));

        var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageFile.Path))
            .Append(mlContext.Transforms.ResizeImages("Image", imageWidth: 224, imageHeight: 224))
            .Append(mlContext.Transforms.InvertImageRepresentation(new Microsoft.ML.Inversion.MLNet.ImageInversionOptions
            {
                OutputColumnName = "Reconstruction",
                InputColumnName = "Image",
                Layer = layer,                       // conv1, pool1, stage1 … stage4, pool5, or any ONNX node name
                Iterations = iterations,
                FeatureErrorColumnName = "FeatureError",
            }));

        using var model = pipeline.Fit(files);       // checks the schema, loads the network once; owns it
        IDataView reconstructed = model.Transform(files); // lazy: nothing is optimised yet

        Directory.CreateDirectory(outputFolder);
        var rows = mlContext.Data.CreateEnumerable<Reconstructed>(reconstructed, reuseRowObject: false).ToList();
        foreach (var row in rows)                    // the work happens here, four rows at a time
            row.Reconstruction!.Save(System.IO.Path.Combine(outputFolder, System.IO.Path.GetFileNameWithoutExtension(row.Path) + $"-{layer}.png"));
        return rows;
    }
    // docs/mlnet.md example ends
}
