namespace Microsoft.ML.Inversion.Transforms;

/// <summary>
/// A named way to create the random transforms of one optimisation run: the transform maps the canvas (the image
/// plus the jitter margin) to the image the network sees during jittered phases. Compose your own with
/// <see cref="TransformPipeline"/>.
/// </summary>
/// <param name="Name">The name reports show.</param>
/// <param name="Create">Creates the transform for a run.</param>
public sealed record TransformFactory(string Name, Func<TransformSetup, ImageTransform> Create)
{
    /// <summary>The IJCV jitter alone: a random crop of the canvas (<see cref="JitterCrop"/>).</summary>
    public static TransformFactory Jitter { get; } = new("jitter", s => new JitterCrop(s.Height, s.Width, s.JitterAmount));

    /// <summary>Jitter plus small random scaling and rotation, as one resampling (<see cref="JitterScaleRotate"/>).</summary>
    public static TransformFactory JitterScaleRotate { get; } =
        new("jitter + scale/rotate", s => new Transforms.JitterScaleRotate(s.Height, s.Width, s.JitterAmount));

    /// <inheritdoc />
    public override string ToString() => Name;
}
