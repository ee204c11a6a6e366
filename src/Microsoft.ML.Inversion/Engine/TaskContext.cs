using Microsoft.ML.Inversion.Backbones;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>What a task sees when it prepares its start and scores its images.</summary>
/// <param name="Backbone">The network.</param>
/// <param name="Layer">The canonical layer name.</param>
/// <param name="Geometry">The layer's geometry at this image size.</param>
/// <param name="Settings">The settings after the task's adaptation and the caller's overrides.</param>
/// <param name="Height">The height of the images.</param>
/// <param name="Width">The width of the images.</param>
public sealed record TaskContext(Backbone Backbone, string Layer, LayerGeometry Geometry, LayerSettings Settings, int Height, int Width);
