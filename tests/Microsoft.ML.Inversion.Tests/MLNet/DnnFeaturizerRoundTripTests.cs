using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.MLNet;

/// <summary>
/// ML.NET's own DnnFeaturizeImage computes the ResNet18 embedding; the inversion step reconstructs an image from
/// that 512-float column alone.
/// </summary>
[TestClass]
public sealed class DnnFeaturizerRoundTripTests
{
    [TestMethod]
    public void ReconstructsFromTheDnnFeaturizeImageEmbeddingAlone()
    {
        var context = new MLContext(seed: 1);
        var pipeline = context.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path")
            .Append(context.Transforms.ResizeImages("Image", 224, 224))
            .Append(context.Transforms.ExtractPixels("Pixels", "Image"))
            .Append(context.Transforms.DnnFeaturizeImage("Embedding", m => m.ModelSelector.ResNet18(context, m.OutputColumn, m.InputColumn), "Pixels"))
            .Append(context.Transforms.InvertFeatures("Reconstruction", "Embedding", layer: "pool5", iterations: 120));
        IDataView data = MLNetTestData.ImagePaths(context);

        using var model = pipeline.Fit(data);
        var rows = context.Data.CreateEnumerable<EmbeddingAndReconstruction>(model.Transform(data), reuseRowObject: false).ToArray();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var random = rand([1, 3, 224, 224], generator: new Generator(3)) * 255;
        foreach (var row in rows)
        {
            Tensor target = tensor(row.Embedding);
            Tensor Distance(Tensor image) => (BuiltInNetwork.ResNet18.Featurize(image, "pool5").flatten() - target).norm() / target.norm();
            double reconstructed = Distance(ImageTensors.FromMLImage(row.Reconstruction!)).item<float>();
            double baseline = Distance(random).item<float>();
            Console.WriteLine($"{row.Label}: embedding distance of the reconstruction {reconstructed:F3}, of a random image {baseline:F3}");
            Assert.HasCount(512, row.Embedding);
            Assert.IsLessThan(baseline / 3, reconstructed, $"{row.Label}: the reconstruction's embedding should be far closer to the target than a random image's");
        }
    }

    public sealed class EmbeddingAndReconstruction
    {
        public string Label { get; set; } = "";

        public float[] Embedding { get; set; } = [];

        [ImageType(224, 224)]
        public MLImage? Reconstruction { get; set; }
    }
}
