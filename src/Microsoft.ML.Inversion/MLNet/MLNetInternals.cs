using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The three things a library outside ML.NET 5.0 cannot reach through its public API, reached here and nowhere
/// else: a catalog's environment, an environment's device settings, and <c>SchemaShape.Create</c>. If a future ML.NET
/// moves them, each fails with one clear error naming the member and the version this library needs.
/// </summary>
internal static class MLNetInternals
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly MethodInfo? CreateSchemaShape = typeof(SchemaShape).GetMethod(
        "Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)]);

    /// <summary>The environment a <see cref="TransformsCatalog"/> holds (behind an internal interface in ML.NET).</summary>
    public static IHostEnvironment EnvironmentOf(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        object? environment = typeof(TransformsCatalog).GetProperties(Instance).FirstOrDefault(p => p.Name.EndsWith("Environment", StringComparison.Ordinal))?.GetValue(catalog)
            ?? typeof(TransformsCatalog).GetField("_env", Instance)?.GetValue(catalog);
        return environment as IHostEnvironment ?? throw Changed("TransformsCatalog's environment",
            "create the estimator directly, e.g. new ImageInversionEstimator(mlContext, options)");
    }

    /// <summary><c>GpuDeviceId</c> and <c>FallbackToCpu</c> of an environment (public on MLContext, internal on the hosts it hands out).</summary>
    public static (int? GpuDeviceId, bool FallbackToCpu) DeviceSettings(IHostEnvironment environment)
    {
        if (environment is MLContext context)
            return (context.GpuDeviceId, context.FallbackToCpu);
        var type = environment.GetType();
        var gpu = type.GetProperty("GpuDeviceId", Instance)?.GetValue(environment) as int?;
        var fallback = type.GetProperty("FallbackToCpu", Instance)?.GetValue(environment) as bool? ?? false;
        return (gpu, fallback);
    }

    /// <summary>The <see cref="SchemaShape"/> of a schema (its factory and the column constructor are internal).</summary>
    public static SchemaShape SchemaShapeOf(DataViewSchema schema) =>
        CreateSchemaShape?.Invoke(null, [schema]) as SchemaShape ?? throw Changed("SchemaShape.Create(DataViewSchema)", null);

    private static NotSupportedException Changed(string member, string? workaround) =>
        new($"This version of ML.NET has no {member}; Microsoft.ML.Inversion needs Microsoft.ML 5.0.x{(workaround is null ? "" : $" ({workaround})")}.");
}
