namespace Microsoft.ML.Inversion.Backbones;

/// <summary>Finds known layer names close to a mistyped one (edit distance, case-insensitive, substrings first).</summary>
internal static class LayerNameMatcher
{
    public static IReadOnlyList<string> Closest(string wanted, IEnumerable<string> known, int count = 5)
    {
        string w = wanted.ToLowerInvariant();
        return known
            .Select(k => (Name: k, Score: Score(w, k.ToLowerInvariant())))
            .Where(x => x.Score <= Math.Max(3, w.Length / 2))
            .OrderBy(x => x.Score).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(count).Select(x => x.Name).ToArray();
    }

    private static int Score(string wanted, string candidate) =>
        candidate.Contains(wanted) || wanted.Contains(candidate) ? 0 : Levenshtein(wanted, candidate);

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
