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
        RequireOneGeneratorPerImage(images, generators);
        var results = new Tensor[generators.Count];
        for (int i = 0; i < results.Length; i++)
            results[i] = perImage(images[i..(i + 1)], generators[i]);
        return results.Length == 1 ? results[0] : cat(results, 0);
    }

    /// <summary>Throws unless <paramref name="generators"/> has one entry per image of <paramref name="images"/>.</summary>
    protected static void RequireOneGeneratorPerImage(Tensor images, IReadOnlyList<TorchSharp.torch.Generator> generators)
    {
        if (generators.Count != images.shape[0])
            throw new ArgumentException($"Expected one generator per image ({images.shape[0]}); got {generators.Count}.");
    }

    /// <summary>
    /// Throws unless <paramref name="images"/> is a canvas <paramref name="amount"/> − 1 pixels larger than
    /// <paramref name="height"/>×<paramref name="width"/> (the jitter margin).
    /// </summary>
    protected void RequireJitterCanvas(Tensor images, long height, long width, int amount)
    {
        long margin = amount - 1;
        if (images.shape[2] != height + margin || images.shape[3] != width + margin)
            throw new ArgumentException($"{GetType().Name} expects a canvas of {height + margin}×{width + margin}; got {images.shape[2]}×{images.shape[3]}.");
    }

    /// <summary>A uniform integer in [0, count) from <paramref name="generator"/>.</summary>
    protected static long UniformInt(long count, TorchSharp.torch.Generator generator) =>
        count <= 1 ? 0 : randint(count, [1], generator: generator).item<long>();

    /// <summary>A uniform real in [low, high) from <paramref name="generator"/>.</summary>
    protected static double Uniform(double low, double high, TorchSharp.torch.Generator generator) =>
        low + (high - low) * rand([1], generator: generator).item<float>();
}
