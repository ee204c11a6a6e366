namespace Microsoft.ML.Inversion.Transforms;

/// <summary>What a transform factory needs: the image size and the jitter amount of the run.</summary>
/// <param name="Height">The image height; the canvas is <paramref name="JitterAmount"/> − 1 pixels larger.</param>
/// <param name="Width">The image width.</param>
/// <param name="JitterAmount">The jitter amount T of the run's settings (1 for none).</param>
public sealed record TransformSetup(long Height, long Width, int JitterAmount);
