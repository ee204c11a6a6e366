using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Transforms;

/// <summary>
/// A random, differentiable change of the canvas applied before the network sees it (Lucid's "transforms"):
/// robustness to it keeps reconstructions from exploiting pixel-exact artefacts. Each image of the batch draws
/// from its own generator, so an image's result does not depend on its batch.
/// </summary>
public abstract class ImageTransform
{
    /// <summary>Applies the transform to images [N, 3, H, W]; <paramref name="generators"/> has one entry per image.</summary>
    public abstract Tensor Apply(Tensor images, IReadOnlyList<TorchSharp.torch.Generator> generators);

    /// <summary>A readable description.</summary>
    public abstract override string ToString();

    /// <summary>Applies <paramref name="perImage"/> to each image separately and stacks the results.</summary>
    protected static Tensor PerImage(Tensor images, IReadOnlyList<TorchSharp.torch.Generator> generators, Func<Tensor, TorchSharp.torch.Generator, Tensor> perImage)
    {
        if (generators.Count != images.shape[0])
            throw new ArgumentException($"Expected one generator per image ({images.shape[0]}); got {generators.Count}.");
        var results = new Tensor[generators.Count];
        for (int i = 0; i < results.Length; i++)
            results[i] = perImage(images[i..(i + 1)], generators[i]);
        return results.Length == 1 ? results[0] : cat(results, 0);
    }

    /// <summary>A uniform integer in [0, count) from <paramref name="generator"/>.</summary>
    protected static long UniformInt(long count, TorchSharp.torch.Generator generator) =>
        count <= 1 ? 0 : randint(count, [1], generator: generator).item<long>();

    /// <summary>A uniform real in [low, high) from <paramref name="generator"/>.</summary>
    protected static double Uniform(double low, double high, TorchSharp.torch.Generator generator) =>
        low + (high - low) * rand([1], generator: generator).item<float>();
}
