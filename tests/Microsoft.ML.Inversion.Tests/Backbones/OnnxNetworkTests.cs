using System.Reflection;
using System.Text.Json;
using Microsoft.ML.Inversion.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>
/// The TorchVision architecture families, exported by PyTorch's own exporter at reduced width and depth
/// (Networks/export_test_networks.py, random weights), imported and run against ONNX Runtime.
/// </summary>
[TestClass]
public sealed class OnnxNetworkTests
{
    private const double Tolerance = 1e-4;

    private sealed record Network(string File, long Opset, long[] Input, string Output, string Mid, string[] Operators, string? ExternalData = null);

    private static readonly Lazy<Dictionary<string, Network>> Manifest = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "networks.json")));
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return document.RootElement.EnumerateObject()
            .Where(p => !p.Name.StartsWith('_'))
            .ToDictionary(p => p.Name, p => p.Value.Deserialize<Network>(options)!);
    });

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Networks");

    private static Network Get(string name) =>
        Manifest.Value.TryGetValue(name, out var network) ? network : throw new AssertFailedException($"'{name}' is not in networks.json");

    [TestMethod]
    [DataRow("convnext_t")]
    [DataRow("convnext_t_opset17")]
    [DataRow("mnasnet")]
    [DataRow("shufflenet_v2")]
    [DataRow("swin_t")]
    [DataRow("mobilenet_v3_small")]
    [DataRow("mobilenet_v3_large")]
    [DataRow("vit_b_16")]
    [DataRow("vit_b_16_opset17")]
    [DataRow("vit_b_16_external")]
    [DataRow("efficientnet_b0")]
    [DataRow("efficientnet_v2_s")]
    [DataRow("regnet_y")]
    [DataRow("maxvit_t")]
    [DataRow("mobilenet_v2")]
    [DataRow("densenet")]
    [DataRow("decoder")]
    [DataRow("decoder_opset11")]
    [DataRow("decoder_opset9")]
    public void NetworkMatchesOnnxRuntimeAndPassesGradientsToItsInput(string name)
    {
        Network network = Get(name);
        string path = Path.Combine(Folder, network.File);
        using var scope = NewDisposeScope();
        using var module = OnnxGraphModule.Load(path);
        Assert.AreEqual(network.Opset, module.Opset);
        CollectionAssert.IsSubsetOf(network.Operators, module.Nodes.Select(n => n.Operator).Append("Constant").ToArray());

        // Batch 2: the graphs leave the batch open, so their shape arithmetic must follow the real input.
        long[] shape = [2, .. network.Input[1..]];
        Tensor input = randn(shape, generator: new Generator(11));
        string[] values = [network.Output, network.Mid];
        using (no_grad())
        {
            Tensor[] ours = module.Evaluate(input, values);
            float[][] reference = OnnxRuntimeReference.Run(path, input, values);
            for (int i = 0; i < values.Length; i++)
            {
                float[] actual = ours[i].contiguous().data<float>().ToArray();
                double error = OnnxRuntimeReference.RelativeL2(actual, reference[i]);
                Console.WriteLine($"{name} {values[i]}: [{string.Join("x", ours[i].shape)}] relative L2 error {error:E2}");
                Assert.IsLessThan(Tolerance, error, $"{name}: {values[i]} differs from ONNX Runtime");
                Assert.IsGreaterThan(0.0, reference[i].Select(v => Math.Abs((double)v)).Sum(), $"{name}: {values[i]} is all zeros, which proves nothing");
            }
        }

        Tensor image = input.detach().requires_grad_(true);
        Tensor mid = module.Evaluate(image, network.Mid);
        mid.square().sum().backward();
        Tensor grad = image.grad ?? throw new AssertFailedException($"{name}: no gradient reached the input from {network.Mid}");
        Assert.IsTrue(grad.isfinite().all().item<bool>(), $"{name}: the input gradient from {network.Mid} is not finite");
        Assert.IsGreaterThan(0.0, grad.abs().max().item<float>(), $"{name}: the input gradient from {network.Mid} is zero");
    }

    [TestMethod]
    public void EveryExportedNetworkHasATestRowAndItsFile()
    {
        var rows = typeof(OnnxNetworkTests).GetMethod(nameof(NetworkMatchesOnnxRuntimeAndPassesGradientsToItsInput))!
            .GetCustomAttributes<DataRowAttribute>().Select(r => (string)r.Data[0]!).ToHashSet();
        CollectionAssert.AreEquivalent(Manifest.Value.Keys.ToArray(), rows.ToArray(), "networks.json and the DataRows list different networks");
        foreach (var (name, network) in Manifest.Value)
        {
            var file = new FileInfo(Path.Combine(Folder, network.File));
            Assert.IsTrue(file.Exists, $"{name}: {file.FullName} is missing");
            Assert.IsLessThanOrEqualTo(2L * 1024 * 1024, file.Length, $"{name}: committed fixtures stay under 2 MiB");
            if (network.ExternalData is not null)
                Assert.IsTrue(File.Exists(Path.Combine(Folder, network.ExternalData)), $"{name}: its data file {network.ExternalData} is missing");
        }
    }

    [TestMethod]
    public void ANetworkWithExternalWeightsIsTheSameNetworkAsWithItsWeightsInline()
    {
        // Exported from the same seed; only where the weights are stored differs.
        using var scope = NewDisposeScope();
        Network external = Get("vit_b_16_external");
        Assert.IsNotNull(external.ExternalData);
        Assert.IsLessThan(new FileInfo(Path.Combine(Folder, Get("vit_b_16").File)).Length / 2, new FileInfo(Path.Combine(Folder, external.File)).Length, "most weights are in the data file");
        using var inline = OnnxGraphModule.Load(Path.Combine(Folder, Get("vit_b_16").File));
        using var outside = OnnxGraphModule.Load(Path.Combine(Folder, external.File));
        Tensor input = randn([2, .. external.Input[1..]], generator: new Generator(5));
        using (no_grad())
            Assert.AreEqual(0.0, (inline.forward(input) - outside.forward(input)).abs().max().item<float>(), "identical outputs");
    }

    [TestMethod]
    [DataRow("vit_b_16.onnx", "encoder.layers.encoder_layer_1", "/encoder/layers/encoder_layer_1/Add_1_output_0")]
    [DataRow("vit_b_16.onnx", "Encoder.Layers.Encoder_Layer_0", "/encoder/layers/encoder_layer_0/Add_1_output_0")]
    [DataRow("swin_t.onnx", "features.1.0", "/features/features.1/features.1.0/Add_1_output_0")]
    [DataRow("convnext_t.onnx", "features.5.0", "/features/features.5/features.5.0/Add_output_0")]
    public void ModulesOfAPyTorchExportAreLayersByTheirTorchVisionPath(string file, string module, string output)
    {
        using var backbone = Microsoft.ML.Inversion.Backbones.OnnxBackbone.Load(Path.Combine(Folder, file));
        Assert.AreEqual(output, backbone.ResolveLayer(module), "a module is the output of the last node it ran");
        var aliases = backbone.DescribeLayer(module).Aliases;
        Assert.IsTrue(aliases.Any(a => string.Equals(a, module, StringComparison.OrdinalIgnoreCase)), $"listed with its aliases: {string.Join(", ", aliases)}");
    }
}
