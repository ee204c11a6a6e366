using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Runtime;

namespace Microsoft.ML;

/// <summary>Catalog methods that add Inversion.ML's steps to an ML.NET pipeline.</summary>
public static class InversionCatalog
{
    /// <summary>
    /// Reconstructs, for each row, an image from what <paramref name="layer"/> of the backbone keeps of the image in
    /// <paramref name="inputColumnName"/> (Mahendran &amp; Vedaldi's pre-image), as an <c>MLImage</c> column.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The reconstructed-image column to create.</param>
    /// <param name="inputColumnName">The image column; default <paramref name="outputColumnName"/>.</param>
    /// <param name="layer">The layer to invert, e.g. <c>conv1</c>, <c>stage3</c>, <c>pool5</c> for the built-in ResNet18.</param>
    /// <param name="backbone">The network; null for the built-in ImageNet ResNet18.</param>
    /// <param name="iterations">Optimisation steps per row; null for the preset's.</param>
    /// <param name="preset">default, ijcv2016, cvpr2015 or naive.</param>
    public static ImageInversionEstimator InvertImageRepresentation(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, string layer = ImageInversionOptions.Defaults.Layer, BackboneReference? backbone = null,
        int? iterations = null, string preset = ImageInversionOptions.Defaults.Preset) =>
        new(GetContext(catalog), new ImageInversionOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Layer = layer,
            Backbone = backbone ?? BackboneReference.BuiltInResNet18,
            Iterations = iterations,
            Preset = preset,
        });

    /// <summary>
    /// Reconstructs, for each row, an image from a stored representation: <paramref name="featuresColumnName"/> holds
    /// the activations of <paramref name="layer"/> (e.g. the 512-float <c>pool5</c> embedding DnnFeaturizeImage
    /// computes with ResNet18) for images of <paramref name="imageWidth"/>×<paramref name="imageHeight"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The reconstructed-image column to create.</param>
    /// <param name="featuresColumnName">A known-size float vector column with the layer's activations.</param>
    /// <param name="layer">The layer the features come from.</param>
    /// <param name="backbone">The network; null for the built-in ImageNet ResNet18.</param>
    /// <param name="imageWidth">The width the features were computed at; null for the backbone's input width.</param>
    /// <param name="imageHeight">The height the features were computed at; null for the backbone's input height.</param>
    /// <param name="iterations">Optimisation steps per row; null for the preset's.</param>
    public static ImageInversionEstimator InvertFeatures(this TransformsCatalog catalog, string outputColumnName,
        string featuresColumnName, string layer = "pool5", BackboneReference? backbone = null, int? imageWidth = null, int? imageHeight = null,
        int? iterations = null) =>
        new(GetContext(catalog), new ImageInversionOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = featuresColumnName,
            Layer = layer,
            Backbone = backbone ?? BackboneReference.BuiltInResNet18,
            ImageWidth = imageWidth,
            ImageHeight = imageHeight,
            Iterations = iterations,
        });

    /// <summary>The inversion step with every option (see <see cref="ImageInversionOptions"/>).</summary>
    public static ImageInversionEstimator InvertImageRepresentation(this TransformsCatalog catalog, ImageInversionOptions options) =>
        new(GetContext(catalog), options);

    /// <summary>Loads an inversion step saved with <see cref="ImageInversionTransformer.SaveTo"/>.</summary>
    public static ImageInversionTransformer LoadImageInversion(this TransformsCatalog catalog, string path) =>
        ImageInversionTransformer.Load(GetContext(catalog), path);

    // TransformsCatalog keeps its environment behind an internal interface; ML.NET's own catalog extensions reach it
    // through that interface, which a library outside ML.NET cannot name, so it is read by reflection.
    private static IHostEnvironment GetContext(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        const System.Reflection.BindingFlags flags = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic;
        object? environment = typeof(TransformsCatalog).GetProperties(flags).FirstOrDefault(p => p.Name.EndsWith("Environment", StringComparison.Ordinal))?.GetValue(catalog)
            ?? typeof(TransformsCatalog).GetField("_env", flags)?.GetValue(catalog);
        return environment as IHostEnvironment
            ?? throw new InvalidOperationException("Cannot reach this TransformsCatalog's ML.NET environment; create the estimator with new ImageInversionEstimator(mlContext, options).");
    }
}
