using Microsoft.ML.Inversion.Backbones;

namespace Microsoft.ML.Inversion.Tests;

/// <summary>The real pretrained ResNet18, loaded once per test run (the package copies it to the output folder).</summary>
internal static class BuiltInNetwork
{
    private static readonly Lazy<OnnxBackbone> Shared = new(() => PretrainedBackbones.ResNet18());

    public static OnnxBackbone ResNet18 => Shared.Value;

    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, PretrainedBackbones.ResNet18RelativePath);

    public static string PreprocessPath => Path.Combine(AppContext.BaseDirectory, PretrainedBackbones.ResNet18PreprocessRelativePath);
}
