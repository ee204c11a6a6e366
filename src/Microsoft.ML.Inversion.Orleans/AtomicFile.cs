namespace Microsoft.ML.Inversion.Orleans;

/// <summary>Writes a file whole or not at all: into a temporary file first, then renamed over the target.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with a temporary path in <paramref name="tempFolder"/> (same extension as the
    /// target), then moves it over <paramref name="target"/>. A crash leaves the old target (or none) and a temporary
    /// file, never a partial target.
    /// </summary>
    public static void Write(string target, string tempFolder, Action<string> write)
    {
        Directory.CreateDirectory(tempFolder);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        string temp = Path.Combine(tempFolder, $"{Guid.NewGuid():N}{Path.GetExtension(target)}");
        try
        {
            write(temp);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
