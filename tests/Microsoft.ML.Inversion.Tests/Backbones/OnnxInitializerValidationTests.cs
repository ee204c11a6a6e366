using Google.Protobuf;
using Onnx;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>Initializers whose header and data disagree: each is refused naming the file and the tensor.</summary>
[TestClass]
public sealed class OnnxInitializerValidationTests
{
    private static TensorProto Floats(long[] dims, int values)
    {
        var proto = new TensorProto { Name = "weights", DataType = 1 };
        proto.Dims.AddRange(dims);
        proto.FloatData.AddRange(Enumerable.Repeat(0.5f, values));
        return proto;
    }

    private static TensorProto Malformed(string kind) => kind switch
    {
        "huge dims, no data" => Floats([1_000_000, 1_000_000, 1000], 0),
        "5 of 108 values" => Floats([4, 3, 3, 3], 5),
        "overflowing dims" => Floats([1L << 40, 1L << 40], 0),
        "negative dims" => Floats([-4, 27], 108),
        "ragged raw data" => new TensorProto { Name = "weights", DataType = 1, Dims = { 2 }, RawData = ByteString.CopyFrom(new byte[7]) },
        "float16" => new TensorProto { Name = "weights", DataType = 10, Dims = { 1 }, RawData = ByteString.CopyFrom(new byte[2]) },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string SaveWith(TensorProto tensor, string folder)
    {
        var g = new OnnxGraphBuilder("x", [1, 3, -1, -1]);
        g.Output(g.Op("Add", ["x", g.Initializer(tensor)]));
        return g.Save(Path.Combine(folder, "model.onnx"), 13);
    }

    [TestMethod]
    [DataRow("huge dims, no data", "declares dims [1000000, 1000000, 1000] (1000000000000000 values) but its data holds 0 values")]
    [DataRow("5 of 108 values", "declares dims [4, 3, 3, 3] (108 values) but its data holds 5 values")]
    [DataRow("overflowing dims", "whose product overflows")]
    [DataRow("negative dims", "has negative dims [-4, 27]")]
    [DataRow("ragged raw data", "7 bytes of raw data, which is not a whole number of 4-byte values")]
    [DataRow("float16", "ONNX data type 10, which this importer does not read")]
    public void AMalformedInitializerIsRefusedNamingTheFileAndTheTensor(string kind, string expected)
    {
        string path = SaveWith(Malformed(kind), TestEnvironment.NewTempFolder());
        OnnxImportAssert.RefusedAtLoad(path, "tensor 'weights'", expected);
    }

    [TestMethod]
    public void AMalformedConstantNodeNamesTheNodeAndTheTensor()
    {
        var g = new OnnxGraphBuilder("x", [1, 3, -1, -1]);
        string constant = g.Op("Constant", [], ("value", Floats([3], 2)));
        g.Output(g.Op("Add", ["x", constant]));
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "constant.onnx"), 13);
        OnnxImportAssert.RefusedAtLoad(path, $"'{g.Producer(constant).Name}'", "attribute 'value'", "tensor 'weights'", "holds 2 values");
    }
}
