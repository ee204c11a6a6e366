using Microsoft.ML.Inversion.Regularizers;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Backbones;

/// <summary>Pretrained networks that need no download: they come with NuGet packages.</summary>
public static class PretrainedBackbones
{
    /// <summary>The NuGet package that ships ResNet18 as ONNX.</summary>
    public const string ResNet18Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>Where the package copies the network, relative to the application's folder.</summary>
    public static readonly string ResNet18RelativePath = Path.Combine("DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>Where the package copies the preprocessing graph, relative to the application's folder.</summary>
    public static readonly string ResNet18PreprocessRelativePath = Path.Combine("DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>
    /// The readable layer names of the built-in ResNet18 and the CNTK node outputs they stand for.
    /// The CNTK graph has 2, 2, 2 and 3 residual blocks in its four stages.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ResNet18Aliases { get; } = new Dictionary<string, string>
    {
        ["conv1"] = "ReLU253_Output_0",   // first convolution + BN + ReLU, 64×112×112
        ["pool1"] = "Pooling255_Output_0", // 3×3/2 max pool, 64×56×56
        ["stage1"] = "ReLU283_Output_0",  // 64×56×56
        ["stage2"] = "ReLU315_Output_0",  // 128×28×28
        ["stage3"] = "ReLU347_Output_0",  // 256×14×14
        ["stage4"] = "ReLU393_Output_0",  // 512×7×7
        ["pool5"] = "Pooling395_Output_0", // 7×7 average pool: the 512-float embedding
    };

    /// <summary>The aliases in network order, conv1 to pool5.</summary>
    public static IReadOnlyList<string> ResNet18Layers { get; } = ["conv1", "pool1", "stage1", "stage2", "stage3", "stage4", "pool5"];

    /// <summary>
    /// ImageNet ResNet18 from the <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package (the network ML.NET's
    /// <c>DnnFeaturizeImage</c> uses), with its exact preprocessing from <c>ResNetPreprocess.onnx</c>: RGB→BGR,
    /// values 0–255, minus a 224×224 mean image.
    /// </summary>
    /// <param name="device">Where to run (default CPU).</param>
    /// <param name="modelFolder">The folder holding <c>DnnImageModels</c>; default the application's folder.</param>
    /// <param name="floatType">float32 by default; float64 for gradient checks.</param>
    /// <param name="foldBatchNormalization">Fold each BatchNormalization into the convolution before it (default, faster;
    /// the same function); false runs the graph as written, for comparison.</param>
    /// <exception cref="FileNotFoundException">The package's files are not in the application's folder.</exception>
    public static OnnxBackbone ResNet18(Device? device = null, string? modelFolder = null, ScalarType floatType = ScalarType.Float32, bool foldBatchNormalization = true)
    {
        string folder = modelFolder ?? AppContext.BaseDirectory;
        string model = Path.Combine(folder, ResNet18RelativePath);
        string preprocess = Path.Combine(folder, ResNet18PreprocessRelativePath);
        foreach (string file in new[] { model, preprocess })
            if (!File.Exists(file))
                throw new FileNotFoundException(
                    $"The built-in ResNet18 needs '{file}'. Add the NuGet package {ResNet18Package} (0.23.1) to your application: " +
                    "it copies DnnImageModels/ResNet18Onnx/ResNet18.onnx and DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx to the output folder.", file);
        OnnxBackbone resnet = OnnxBackbone.Load(model, ReadResNetPreprocessing(preprocess), device, ResNet18Aliases, typicalPixelNorm: 120, floatType: floatType, foldBatchNormalization: foldBatchNormalization);
        resnet.TextureEstimates = ResNet18TextureEstimates.Value;
        return resnet;
    }

    /// <summary>The embedded resource holding the built-in ResNet18's texture estimates (<see cref="Backbone.TextureEstimates"/>).</summary>
    public const string ResNet18TextureResource = "Microsoft.ML.Inversion.ResNet18.texture.json";

    // Fitted on the 33 tuning photographs by `./build.sh quality --fit-texture` (docs/quality.md, tuning notes).
    private static readonly Lazy<IReadOnlyDictionary<string, TextureEstimate>> ResNet18TextureEstimates = new(() =>
    {
        using Stream? stream = typeof(PretrainedBackbones).Assembly.GetManifestResourceStream(ResNet18TextureResource);
        return stream is null ? new Dictionary<string, TextureEstimate>() : TextureEstimate.Load(stream, ResNet18TextureResource);
    });

    /// <summary>
    /// Reads ML.NET's ResNet preprocessing graph (Split RGB, Concat as BGR, Sub MeanImage) into an
    /// <see cref="ImagePreprocessing"/>, checking that the graph has that form.
    /// </summary>
    public static ImagePreprocessing ReadResNetPreprocessing(string path)
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        string[] ops = graph.Node.Select(n => n.OpType).ToArray();
        if (!ops.SequenceEqual(["Split", "Concat", "Sub"]))
            throw new InvalidDataException($"'{path}' is not ML.NET's ResNet preprocessing: expected nodes Split, Concat, Sub; found {string.Join(", ", ops)}.");
        var split = graph.Node[0];
        var concat = graph.Node[1];
        if (!concat.Input.SequenceEqual([split.Output[2], split.Output[1], split.Output[0]]))
            throw new InvalidDataException($"'{path}': the Concat node does not reverse the channels (RGB→BGR).");
        string meanName = graph.Node[2].Input[1];
        var mean = graph.Initializer.SingleOrDefault(i => i.Name == meanName)
            ?? throw new InvalidDataException($"'{path}': the mean image '{meanName}' is not an initializer.");
        using var meanImage = Onnx.OnnxTensorConverter.ToTensor(mean, ScalarType.Float32);
        using var squeezed = meanImage.reshape(3, mean.Dims[^2], mean.Dims[^1]);
        return new ImagePreprocessing(ChannelOrder.Bgr, 255.0, squeezed);
    }
}
