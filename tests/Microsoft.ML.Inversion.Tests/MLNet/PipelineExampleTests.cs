using Microsoft.ML.Inversion.Imaging;

namespace Microsoft.ML.Inversion.Tests.MLNet;

[TestClass]
public sealed class PipelineExampleTests
{
    [TestMethod]
    public void TheDocumentedPipelineRunsAndWritesOneImagePerInput()
    {
        string output = TestEnvironment.NewTempFolder();
        string images = Path.GetDirectoryName(TestEnvironment.Photograph("coffee.png"))!;

        var rows = PipelineExample.Run(images, output, layer: "conv1", iterations: 3);

        Assert.HasCount(3, rows);
        foreach (string name in TestEnvironment.PhotographNames)
        {
            string file = Path.Combine(output, Path.GetFileNameWithoutExtension(name) + "-conv1.png");
            Assert.IsTrue(File.Exists(file), file);
            using var image = ImageTensors.Load(file);
            CollectionAssert.AreEqual(new long[] { 1, 3, 224, 224 }, image.shape);
        }
        Assert.IsTrue(rows.All(r => r.FeatureError is > 0 and < 1));
    }

    [TestMethod]
    public void DocsShowTheExampleVerbatim()
    {
        string source = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Microsoft.ML.Inversion.Tests", "MLNet", "PipelineExample.cs"));
        string docs = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "mlnet.md"));
        int start = source.IndexOf("// docs/mlnet.md example begins", StringComparison.Ordinal);
        int end = source.IndexOf("    // docs/mlnet.md example ends", StringComparison.Ordinal);
        string example = source[(source.IndexOf('\n', start) + 1)..end];
        StringAssert.Contains(docs.Replace("\r\n", "\n"), example.Replace("\r\n", "\n"), "docs/mlnet.md must show the tested example unchanged");
    }
}
