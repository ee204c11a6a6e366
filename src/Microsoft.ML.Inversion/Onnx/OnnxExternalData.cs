using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>
/// Reads the tensors an ONNX file keeps outside itself (<c>data_location = EXTERNAL</c>: the form PyTorch's exporter
/// and <c>onnx.save</c> write for models above protobuf's 2 GiB limit, such as ViT-H/14) into the tensors' raw data,
/// so the rest of the importer sees one self-contained model.
/// </summary>
/// <remarks>
/// As the ONNX specification says, a tensor's <c>location</c> is a path relative to the model file's folder, with
/// an optional byte <c>offset</c> and <c>length</c>. Only files inside that folder (or below it) are read: a location
/// that is absolute or climbs out of the folder is refused, so a model file cannot make the importer read an
/// arbitrary file.
/// </remarks>
internal static class OnnxExternalData
{
    private const string Location = "location", Offset = "offset", Length = "length";

    /// <summary>
    /// Replaces every external tensor's reference with the bytes it names, read from the files beside
    /// <paramref name="modelPath"/>.
    /// </summary>
    /// <exception cref="OnnxImportException">A reference is malformed, leaves the model's folder, names a file that
    /// does not exist, or reaches past the end of its file; the message names the model, the tensor and the file.</exception>
    public static void Inline(ModelProto model, string modelPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        // One file open at a time: PyTorch's exporter writes a file per tensor (hundreds), onnx.save one for all.
        var file = new OpenDataFile();
        try
        {
            foreach (TensorProto tensor in Tensors(model.Graph).Where(IsExternal))
            {
                byte[] bytes = Read(tensor, modelPath, folder, file);
                tensor.ExternalData.Clear();
                tensor.DataLocation = TensorProto.Types.DataLocation.Default;
                tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
            }
        }
        finally
        {
            file.Stream?.Dispose();
        }
    }

    private sealed class OpenDataFile
    {
        public string? Path;
        public FileStream? Stream;
    }

    private static bool IsExternal(TensorProto tensor) =>
        tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0;

    private static byte[] Read(TensorProto tensor, string modelPath, string folder, OpenDataFile file)
    {
        OnnxImportException Error(string what) =>
            new($"ONNX file '{modelPath}': tensor '{tensor.Name}' stores its data outside the file, but {what}");

        var entries = tensor.ExternalData.GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        if (!entries.TryGetValue(Location, out string? location) || location.Length == 0)
            throw Error("names no 'location' (the data file's path relative to the model's folder).");
        string path = Path.GetFullPath(Path.Combine(folder, location));
        string inside = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(location) || !path.StartsWith(inside, StringComparison.Ordinal))
            throw Error($"its location '{location}' is outside the model's folder '{folder}'; external data must lie in that folder or below it.");
        if (file.Path != path || file.Stream is null)
        {
            if (!File.Exists(path))
                throw Error($"its data file '{path}' does not exist; copy it next to the model with the name the model gives ('{location}').");
            file.Stream?.Dispose();
            file.Stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            file.Path = path;
        }
        FileStream stream = file.Stream;
        long offset = Number(entries, Offset, 0, Error);
        long length = Number(entries, Length, stream.Length - Math.Min(offset, stream.Length), Error);
        if (offset > stream.Length || length > stream.Length - offset)
            throw Error($"it asks for {length} bytes at offset {offset} of '{path}', which holds only {stream.Length} bytes.");
        if (length > Array.MaxLength)
            throw Error($"it asks for {length} bytes, more than one tensor can hold here ({Array.MaxLength} bytes).");
        var bytes = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static long Number(Dictionary<string, string> entries, string key, long absent, Func<string, OnnxImportException> error)
    {
        if (!entries.TryGetValue(key, out string? text))
            return absent;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            throw error($"its '{key}' is '{text}'; expected a whole number of bytes, 0 or more.");
        return value;
    }

    /// <summary>Every tensor a graph holds: initializers and tensor attributes of its nodes, subgraphs included.</summary>
    private static IEnumerable<TensorProto> Tensors(GraphProto? graph)
    {
        if (graph is null)
            yield break;
        foreach (TensorProto initializer in graph.Initializer)
            yield return initializer;
        foreach (NodeProto node in graph.Node)
            foreach (AttributeProto attribute in node.Attribute)
            {
                if (attribute.T is not null)
                    yield return attribute.T;
                foreach (TensorProto t in attribute.Tensors)
                    yield return t;
                foreach (TensorProto t in Tensors(attribute.G))
                    yield return t;
                foreach (TensorProto t in attribute.Graphs.SelectMany(Tensors))
                    yield return t;
            }
    }
}
