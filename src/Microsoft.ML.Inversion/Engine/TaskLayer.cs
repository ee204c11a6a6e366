using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>The layer of a backbone a task's face works on, with the face's options.</summary>
internal sealed class TaskLayer
{
    public TaskLayer(Backbone backbone, string layer, InversionOptions? options)
    {
        Backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        Canonical = backbone.ResolveLayer(layer);
        Name = layer;
        Options = options ?? new InversionOptions();
    }

    public Backbone Backbone { get; }

    /// <summary>The canonical layer name.</summary>
    public string Canonical { get; }

    /// <summary>The name the caller used.</summary>
    public string Name { get; }

    public InversionOptions Options { get; }

    public TaskOutcome Run(OptimizationTask task, int height, int width, IReadOnlyList<long>? seeds, CancellationToken cancellationToken) =>
        task.Run(Backbone, Name, Options, height, width, seeds, cancellationToken);

    /// <summary>The height and width of RGB images [N, 3, H, W].</summary>
    /// <exception cref="ArgumentException">The tensor is not of that shape.</exception>
    public static (int Height, int Width) SizeOf(Tensor rgb255)
    {
        ArgumentNullException.ThrowIfNull(rgb255);
        if (rgb255.dim() != 4 || rgb255.shape[1] != 3)
            throw new ArgumentException($"Expected RGB images as a tensor [N, 3, H, W]; got [{string.Join(", ", rgb255.shape)}].", nameof(rgb255));
        return ((int)rgb255.shape[2], (int)rgb255.shape[3]);
    }
}
