namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// A job's input: image paths, one row each. It is resolved once, at submit, into a manifest (a text file with one
/// absolute path per line) so that row r means the same image on every silo and at every rerun.
/// </summary>
public static class JobInput
{
    /// <summary>The file extensions a folder input takes as images.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>
    /// The rows of an input: each item is a folder (its image files, in ordinal order of name), a text file with one
    /// path per line (relative paths are relative to the file's folder; blank lines and lines starting with '#' are
    /// skipped), or an image path.
    /// </summary>
    /// <exception cref="FileNotFoundException">An item names nothing that exists.</exception>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> items)
    {
        var rows = new List<string>();
        foreach (string item in items)
        {
            string path = Path.GetFullPath(item);
            if (Directory.Exists(path))
                rows.AddRange(Directory.GetFiles(path).Where(IsImage).Order(StringComparer.Ordinal));
            else if (File.Exists(path) && IsList(path))
                rows.AddRange(ReadList(path));
            else if (File.Exists(path) || Uri.TryCreate(item, UriKind.Absolute, out var uri) && !uri.IsFile)
                rows.Add(path);
            else
                throw new FileNotFoundException($"Input '{item}' is neither a folder, a list of paths nor an image file.", item);
        }
        return rows;
    }

    /// <summary>Writes the manifest of <paramref name="rows"/> into the output folder (atomically) and returns its path.</summary>
    public static string WriteManifest(IReadOnlyList<string> rows, JobOutputLayout layout)
    {
        string path = layout.ManifestPath;
        AtomicFile.Write(path, layout.TempFolder, temp => File.WriteAllLines(temp, rows));
        return path;
    }

    /// <summary>Rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of a manifest.</summary>
    /// <exception cref="InvalidDataException">The manifest has fewer rows.</exception>
    public static IReadOnlyList<string> ReadRows(string manifestPath, long first, int count)
    {
        var rows = File.ReadLines(manifestPath).Skip(checked((int)first)).Take(count).ToList();
        if (rows.Count != count)
            throw new InvalidDataException($"Manifest '{manifestPath}' has fewer than {first + count} rows: was it changed after submit?");
        return rows;
    }

    private static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    private static bool IsList(string path) => Path.GetExtension(path).ToLowerInvariant() is ".txt" or ".lst" or ".csv";

    private static IEnumerable<string> ReadList(string path)
    {
        string folder = Path.GetDirectoryName(path)!;
        return File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => Path.GetFullPath(l, folder));
    }
}
