using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Transforms;

/// <summary>Transforms applied one after another.</summary>
public sealed class TransformPipeline(IReadOnlyList<ImageTransform> transforms) : ImageTransform
{
    /// <summary>The transforms in order.</summary>
    public IReadOnlyList<ImageTransform> Transforms { get; } = transforms;

    /// <inheritdoc />
    public override Tensor Apply(Tensor images, IReadOnlyList<Generator> generators) =>
        Transforms.Aggregate(images, (current, t) => t.Apply(current, generators));

    /// <inheritdoc />
    public override string ToString() => Transforms.Count == 0 ? "none" : string.Join(", ", Transforms);
}
