namespace Microsoft.ML.Inversion.Backbones;

/// <summary>Thrown when a layer name is neither a layer nor an alias of a backbone; the message lists close matches.</summary>
public sealed class UnknownLayerException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="layer"/> with the closest known names.</summary>
    public UnknownLayerException(string layer, string backbone, IReadOnlyList<string> closeMatches)
        : base($"Layer '{layer}' is not a layer of backbone '{backbone}'." +
               (closeMatches.Count > 0 ? $" Close matches: {string.Join(", ", closeMatches)}." : "") +
               " List the layers with Backbone.DescribeLayers() or the quickstart's --list-layers.")
    {
        Layer = layer;
        CloseMatches = closeMatches;
    }

    /// <summary>The name that was asked for.</summary>
    public string Layer { get; }

    /// <summary>Known names closest to <see cref="Layer"/>, best first.</summary>
    public IReadOnlyList<string> CloseMatches { get; }
}
