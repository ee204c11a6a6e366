using System.Reflection;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Builds a <see cref="SchemaShape"/> from a <see cref="DataViewSchema"/>. ML.NET 5.0.1 keeps both
/// <c>SchemaShape.Create</c> and the column constructor internal, so a custom estimator cannot otherwise describe
/// the columns it adds; this calls the internal factory, and fails with a clear message if a future ML.NET
/// removes it.
/// </summary>
internal static class SchemaShapes
{
    private static readonly MethodInfo? Create = typeof(SchemaShape).GetMethod(
        "Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)]);

    public static SchemaShape From(DataViewSchema schema) =>
        Create?.Invoke(null, [schema]) as SchemaShape
        ?? throw new NotSupportedException("This version of ML.NET has no SchemaShape.Create(DataViewSchema); Microsoft.ML.Inversion needs Microsoft.ML 5.0.x.");
}
