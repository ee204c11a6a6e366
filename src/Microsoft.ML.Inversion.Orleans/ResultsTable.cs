using System.Globalization;
using System.Text;

namespace Microsoft.ML.Inversion.Orleans;

/// <summary>
/// A shard's results table, a CSV with one line per row: <c>row,path,status,featureError,reason</c>, where status is
/// <c>ok</c> or <c>bad</c> and a bad row has the reason its image could not be used.
/// </summary>
public sealed class ResultsTable
{
    /// <summary>The header line.</summary>
    public const string Header = "row,path,status,featureError,reason";

    private readonly StringBuilder _text = new(Header + "\n");

    /// <summary>Adds a row that was reconstructed.</summary>
    public void AddGood(long row, string path, float featureError) =>
        Add(row, path, "ok", featureError.ToString("R", CultureInfo.InvariantCulture), "");

    /// <summary>Adds a row whose image could not be used.</summary>
    public void AddBad(long row, string path, string reason) => Add(row, path, "bad", "", reason);

    /// <summary>Writes the table over <paramref name="target"/> atomically.</summary>
    public void Save(string target, string tempFolder) => AtomicFile.Write(target, tempFolder, temp => File.WriteAllText(temp, _text.ToString()));

    /// <summary>Reads a table's lines back as (row, path, status, featureError, reason) fields.</summary>
    public static IEnumerable<string[]> Read(string path) => File.ReadLines(path).Skip(1).Select(ParseLine);

    private void Add(params string[] fields)
    {
        _text.AppendJoin(',', fields.Select(Quote));
        _text.Append('\n');
    }

    private void Add(long row, string path, string status, string score, string reason) =>
        Add(row.ToString(CultureInfo.InvariantCulture), path, status, score, reason);

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"").Replace('\n', ' ').Replace('\r', ' ') + "\"";

    private static string[] ParseLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }
}
