using Microsoft.ML.Inversion.Onnx;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>
/// Weights kept outside the model file (<c>data_location = EXTERNAL</c>, as models above 2 GiB must be written):
/// read from the model's folder at the offsets the model gives, and refused with the tensor and the file named when
/// the reference is wrong or leaves the folder.
/// </summary>
[TestClass]
public sealed class OnnxExternalDataTests
{
    private static TensorProto External(string name, string? location, string? offset = null, string? length = null)
    {
        var tensor = new TensorProto { Name = name, DataType = 1, Dims = { 1, 3, 1, 1 }, DataLocation = TensorProto.Types.DataLocation.External };
        if (location is not null)
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is not null)
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset });
        if (length is not null)
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length });
        return tensor;
    }

    /// <summary>y = (x + shift) · scale, both [1, 3, 1, 1] and stored in one data file at the given offsets.</summary>
    private static string SaveShiftAndScale(string folder, TensorProto shift, TensorProto scale)
    {
        var g = new OnnxGraphBuilder("x", [1, 3, -1, -1]);
        g.Output(g.Op("Mul", [g.Op("Add", ["x", g.Initializer(shift)]), g.Initializer(scale)]));
        return g.Save(Path.Combine(folder, "model.onnx"), 13);
    }

    private static void WriteData(string path)
    {
        // 8 bytes of padding, shift = (1, 2, 3) at offset 8, 4 bytes, scale = (10, 20, 30) at offset 24.
        float[] values = [-9, -9, 1, 2, 3, -9, 10, 20, 30, -9];
        File.WriteAllBytes(path, values.SelectMany(BitConverter.GetBytes).ToArray());
    }

    [TestMethod]
    public void WeightsAreReadFromTheDataFileBesideTheModelAtTheirOffsets()
    {
        string folder = TestEnvironment.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        WriteData(Path.Combine(folder, "data", "weights.bin"));
        string path = SaveShiftAndScale(folder, External("shift", "data/weights.bin", "8", "12"), External("scale", "data/weights.bin", "24", "12"));

        using var scope = NewDisposeScope();
        using var module = OnnxGraphModule.Load(path);
        Tensor x = arange(3 * 2 * 2, dtype: ScalarType.Float32).reshape(1, 3, 2, 2);
        float[] ours = module.forward(x).data<float>().ToArray();
        float[] expected = x.data<float>().ToArray().Select((v, i) => (v + (i / 4 + 1)) * 10 * (i / 4 + 1)).ToArray();
        CollectionAssert.AreEqual(expected, ours);
        // ONNX Runtime reads the same references the same way.
        CollectionAssert.AreEqual(expected, OnnxRuntimeReference.Run(path, x, [module.OutputNames[0]])[0]);
    }

    [TestMethod]
    [DataRow("../weights.bin", "8", "12", "is outside the model's folder")]
    [DataRow("/tmp/weights.bin", "8", "12", "is outside the model's folder")]
    [DataRow("missing.bin", "8", "12", "does not exist")]
    [DataRow("weights.bin", "32", "12", "asks for 12 bytes at offset 32")]
    [DataRow("weights.bin", "-8", "12", "its 'offset' is '-8'; expected a whole number of bytes")]
    [DataRow("weights.bin", "8", "twelve", "its 'length' is 'twelve'")]
    [DataRow(null, "8", "12", "names no 'location'")]
    [DataRow("weights.bin", "8", "16", "declares dims [1, 3, 1, 1] (3 values) but its data holds 4 values")]
    public void AWrongReferenceIsRefusedNamingTheModelTheTensorAndTheFile(string? location, string offset, string length, string expected)
    {
        string parent = TestEnvironment.NewTempFolder();
        string folder = Path.Combine(parent, "model");
        Directory.CreateDirectory(folder);
        // A valid data file both in the folder and above it: a reference that leaves the folder must not read it.
        WriteData(Path.Combine(folder, "weights.bin"));
        WriteData(Path.Combine(parent, "weights.bin"));
        string path = SaveShiftAndScale(folder, External("shift", location, offset, length), External("scale", "weights.bin", "24", "12"));
        OnnxImportAssert.RefusedAtLoad(path, "tensor 'shift'", expected);
    }
}
