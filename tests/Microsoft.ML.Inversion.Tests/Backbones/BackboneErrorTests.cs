using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Onnx;

namespace Microsoft.ML.Inversion.Tests.Backbones;

[TestClass]
public sealed class BackboneErrorTests
{
    [TestMethod]
    public void MissingFileNamesThePath()
    {
        string path = Path.Combine(TestEnvironment.NewTempFolder(), "absent.onnx");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => OnnxBackbone.Load(path));
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void NonOnnxFileSaysItIsNotAnOnnxModel()
    {
        string image = TestEnvironment.Photograph("chelsea.png");
        var e = Assert.ThrowsExactly<OnnxImportException>(() => OnnxBackbone.Load(image));
        StringAssert.Contains(e.Message, image);
        StringAssert.Contains(e.Message, "is not an ONNX model");

        string text = Path.Combine(TestEnvironment.NewTempFolder(), "notes.onnx");
        File.WriteAllText(text, "this is plain text, not a protobuf");
        var textError = Assert.ThrowsExactly<OnnxImportException>(() => OnnxBackbone.Load(text));
        StringAssert.Contains(textError.Message, "is not an ONNX model");
    }

    [TestMethod]
    public void UnknownLayerListsCloseMatches()
    {
        var e = Assert.ThrowsExactly<UnknownLayerException>(() => BuiltInNetwork.ResNet18.ResolveLayer("stage5"));
        StringAssert.Contains(e.Message, "'stage5'");
        CollectionAssert.Contains(e.CloseMatches.ToArray(), "stage4");
        StringAssert.Contains(e.Message, "--list-layers");

        var typo = Assert.ThrowsExactly<UnknownLayerException>(() => BuiltInNetwork.ResNet18.ResolveLayer("ReLU2533_Output_0"));
        CollectionAssert.Contains(typo.CloseMatches.ToArray(), "ReLU253_Output_0");
    }

    [TestMethod]
    public void UnsupportedOperatorFailsAtLoadNamingOperatorNodeAndFile()
    {
        var g = new OnnxGraphBuilder("x", [1, 3, 8, 8]);
        string relu = g.Op("Relu", ["x"]);
        string unsupported = g.Op("NonMaxSuppression", [relu]);
        g.Output(unsupported);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "nms.onnx"), 13);

        var e = Assert.ThrowsExactly<OnnxImportException>(() => OnnxGraphModule.Load(path));
        StringAssert.Contains(e.Message, "'NonMaxSuppression'");
        StringAssert.Contains(e.Message, "node 'NonMaxSuppression_1'");
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "Supported operators: Abs, Add, And, AveragePool, BatchNormalization");
    }

    [TestMethod]
    public void AnAliasToNoNodeOutputIsRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => OnnxBackbone.Load(BuiltInNetwork.ModelPath,
            aliases: new Dictionary<string, string> { ["block"] = "NoSuchNode_Output_0" }));
        StringAssert.Contains(e.Message, "'NoSuchNode_Output_0'");
    }

    [TestMethod]
    public void BuiltInResNet18WithoutItsPackageSaysWhichPackageToAdd()
    {
        string empty = TestEnvironment.NewTempFolder();
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => PretrainedBackbones.ResNet18(modelFolder: empty));
        StringAssert.Contains(e.Message, "Microsoft.ML.DnnImageFeaturizer.ResNet18");
    }
}
