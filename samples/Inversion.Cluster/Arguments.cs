namespace Inversion.Cluster;

/// <summary>The command line after the verb: <c>--name value</c> pairs and bare <c>--flags</c>; repeated names keep every value.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    public Arguments(IEnumerable<string> args)
    {
        string? name = null;
        foreach (string arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                if (!_values.ContainsKey(name))
                    _values[name] = [];
            }
            else if (name is null)
                throw new UsageException($"unexpected argument '{arg}' (options start with --)");
            else
                _values[name].Add(arg);
        }
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _values.ContainsKey(name);
    }

    public string? Text(string name) => All(name) is [.., var last] ? last : null;

    public IReadOnlyList<string> All(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var values) ? values : [];
    }

    public int Int(string name, int fallback, int minimum = 0) => Text(name) is not { } text ? fallback
        : int.TryParse(text, out int value) && value >= minimum ? value
        : throw new UsageException($"--{name} must be a whole number of at least {minimum}, not '{text}'");

    /// <summary>Refuses options no command asked for (typos).</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"unknown option --{unknown[0]}");
    }
}
