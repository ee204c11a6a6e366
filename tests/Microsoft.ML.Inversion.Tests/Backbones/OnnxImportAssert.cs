using Microsoft.ML.Inversion.Onnx;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>Asserts that an ONNX file is refused at load with an <see cref="OnnxImportException"/> that says why.</summary>
internal static class OnnxImportAssert
{
    /// <summary>Loads <paramref name="path"/>, expecting exactly an OnnxImportException naming the file and each of <paramref name="expected"/>.</summary>
    public static OnnxImportException RefusedAtLoad(string path, params string[] expected)
    {
        var e = Assert.ThrowsExactly<OnnxImportException>(() => OnnxGraphModule.Load(path).Dispose());
        Console.WriteLine(e.Message);
        StringAssert.Contains(e.Message, path);
        foreach (string part in expected)
            StringAssert.Contains(e.Message, part);
        return e;
    }
}
