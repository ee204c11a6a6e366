using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Microsoft.ML.Inversion.Tests;

/// <summary>Runs ONNX files with ONNX Runtime, the reference our importer is checked against.</summary>
internal static class OnnxRuntimeReference
{
    /// <summary>
    /// Runs <paramref name="modelPath"/> on a float input and returns the named values; intermediate node outputs
    /// are exposed by adding them to a copy of the graph's outputs.
    /// </summary>
    public static float[][] Run(string modelPath, Tensor input, IReadOnlyList<string> valueNames)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var existing = model.Graph.Output.Select(o => o.Name).ToHashSet();
        foreach (string name in valueNames.Where(n => !existing.Contains(n)))
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } },
            });
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet();
        string inputName = model.Graph.Input.First(i => !initializers.Contains(i.Name)).Name;

        // The copy is run from memory; weights kept as external data are still read from the model's own folder.
        using var options = new SessionOptions();
        options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var cpu = input.cpu().contiguous().to_type(ScalarType.Float32);
        var dense = new DenseTensor<float>(cpu.data<float>().ToArray(), input.shape.Select(d => (int)d).ToArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, dense)], valueNames);
        return valueNames.Select(n => results.First(r => r.Name == n).AsTensor<float>().ToArray()).ToArray();
    }

    /// <summary>‖a − b‖ / ‖b‖.</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            throw new ArgumentException($"lengths differ: {actual.Length} vs {expected.Length}");
        double diff = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            diff += (actual[i] - expected[i]) * (double)(actual[i] - expected[i]);
            norm += expected[i] * (double)expected[i];
        }
        return Math.Sqrt(diff / Math.Max(norm, 1e-30));
    }
}
