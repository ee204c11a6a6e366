namespace Microsoft.ML.Inversion.MLNet;

/// <summary>Schema errors in ML.NET's own shape (its <c>Contracts.ExceptSchemaMismatch</c> messages).</summary>
internal static class SchemaErrors
{
    /// <summary>"Could not find input column 'X'".</summary>
    public static ArgumentOutOfRangeException MissingColumn(string column) =>
        new("inputSchema", $"Could not find input column '{column}'.");

    /// <summary>"Schema mismatch for input column 'X': expected …, got …".</summary>
    public static ArgumentOutOfRangeException Mismatch(string column, string expected, string actual) =>
        new("inputSchema", $"Schema mismatch for input column '{column}': expected {expected}, got {actual}.");

    /// <summary>A schema-shape column as ML.NET prints it (<c>Single</c>, <c>Vector&lt;Single&gt;</c>).</summary>
    public static string Describe(SchemaShape.Column column) =>
        column.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{column.ItemType}" : $"{column.Kind}<{column.ItemType}>";

    /// <summary>The last column of that name, or the missing-column error.</summary>
    public static SchemaShape.Column Find(SchemaShape schema, string name) =>
        schema.LastOrDefault(c => c.Name == name) is { Name: not null } column ? column : throw MissingColumn(name);

    /// <summary>The column of that name, or the missing-column error.</summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string name) =>
        schema.GetColumnOrNull(name) ?? throw MissingColumn(name);
}
