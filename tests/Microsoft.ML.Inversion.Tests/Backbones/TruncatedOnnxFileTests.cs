using Microsoft.ML.Inversion.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>The built-in ResNet18.onnx cut short at several points: it never loads as something else.</summary>
[TestClass]
public sealed class TruncatedOnnxFileTests
{
    // The file ends with its opset_import (6 bytes: field 8, length 4, domain "", version 8), so cutting exactly
    // those leaves a model that parses; every other cut lands inside the graph or the opset entry.
    private const int OpsetImportBytes = 6;

    [TestMethod]
    [DataRow(0.5, 0)]
    [DataRow(0.9, 0)]
    [DataRow(0.99, 0)]
    [DataRow(1.0, 16)]
    [DataRow(1.0, OpsetImportBytes)]
    [DataRow(1.0, 1)]
    public void TruncatedModelFailsNamingTheFileOrLoadsUnchanged(double fraction, int removedAtEnd)
    {
        byte[] original = File.ReadAllBytes(BuiltInNetwork.ModelPath);
        int length = (int)(original.Length * fraction) - removedAtEnd;
        string path = Path.Combine(TestEnvironment.NewTempFolder(), $"ResNet18-{length}.onnx");
        File.WriteAllBytes(path, original[..length]);
        try
        {
            AssertFailsNamingTheFileOrMatchesTheOriginal(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void CuttingTheOpsetImportSaysItIsMissingAndTheFileMayBeTruncated()
    {
        byte[] original = File.ReadAllBytes(BuiltInNetwork.ModelPath);
        string path = Path.Combine(TestEnvironment.NewTempFolder(), "ResNet18-no-opset.onnx");
        File.WriteAllBytes(path, original[..^OpsetImportBytes]);
        try
        {
            OnnxImportAssert.RefusedAtLoad(path, "no opset_import for the default ONNX domain", "may be truncated");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertFailsNamingTheFileOrMatchesTheOriginal(string path)
    {
        OnnxGraphModule truncated;
        try
        {
            truncated = OnnxGraphModule.Load(path);
        }
        catch (Exception e)
        {
            Console.WriteLine($"{Path.GetFileName(path)}: {e.GetType().Name}: {e.Message}");
            Assert.AreEqual(typeof(OnnxImportException), e.GetType(), e.ToString());
            StringAssert.Contains(e.Message, path);
            return;
        }
        using (truncated)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor input = randn([1, 3, 224, 224], generator: new Generator(11)) * 50;
            string output = BuiltInNetwork.ResNet18.Graph.OutputNames[0];
            Tensor expected = BuiltInNetwork.ResNet18.Graph.Evaluate(input, output);
            CollectionAssert.AreEqual(expected.data<float>().ToArray(), truncated.Evaluate(input, output).data<float>().ToArray(),
                "a truncated file that loads must compute exactly what the original does");
        }
    }
}
