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
        int? iterations = null, string preset = RowStepOptions.Defaults.Preset) =>
        new(GetContext(catalog), WithStep(new ImageInversionOptions { InputColumnName = inputColumnName, Preset = preset }, outputColumnName, layer, backbone, iterations));

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
        string featuresColumnName, string layer = ImageInversionOptions.Defaults.FeatureLayer, BackboneReference? backbone = null, int? imageWidth = null, int? imageHeight = null,
        int? iterations = null) =>
        new(GetContext(catalog), WithStep(new ImageInversionOptions { InputColumnName = featuresColumnName, ImageWidth = imageWidth, ImageHeight = imageHeight },
            outputColumnName, layer, backbone, iterations));

    /// <summary>The inversion step with every option (see <see cref="ImageInversionOptions"/>).</summary>
    public static ImageInversionEstimator InvertImageRepresentation(this TransformsCatalog catalog, ImageInversionOptions options) =>
        new(GetContext(catalog), options);

    /// <summary>
    /// Caricatures each row's image (IJCV 2016): starting from the image, what <paramref name="layer"/> sees in it
    /// is amplified by maximising ⟨Φ(x), Φ0⟩/‖Φ0‖² under the regularisers. <paramref name="amplificationColumnName"/>,
    /// if given, receives that ratio (1 for the image itself).
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The caricature column to create.</param>
    /// <param name="inputColumnName">The image column; default <paramref name="outputColumnName"/>.</param>
    /// <param name="layer">The layer whose view is amplified.</param>
    /// <param name="backbone">The network; null for the built-in ImageNet ResNet18.</param>
    /// <param name="iterations">Optimisation steps per row; null for the preset's.</param>
    /// <param name="amplificationColumnName">An optional <c>float</c> column for ⟨Φ(x), Φ0⟩/‖Φ0‖².</param>
    public static CaricatureEstimator CaricatureImages(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, string layer = CaricatureOptions.Defaults.Layer, BackboneReference? backbone = null, int? iterations = null,
        string? amplificationColumnName = null) =>
        new(GetContext(catalog), WithStep(new CaricatureOptions { InputColumnName = inputColumnName, AmplificationColumnName = amplificationColumnName },
            outputColumnName, layer, backbone, iterations));

    /// <summary>The caricature step with every option (see <see cref="CaricatureOptions"/>).</summary>
    public static CaricatureEstimator CaricatureImages(this TransformsCatalog catalog, CaricatureOptions options) =>
        new(GetContext(catalog), options);

    /// <summary>
    /// Activation maximisation (IJCV 2016): for each row, the image that maximises the mean activation of the
    /// channel in <paramref name="channelColumnName"/> of <paramref name="layer"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The generated-image column to create.</param>
    /// <param name="channelColumnName">An integer column with each row's channel index.</param>
    /// <param name="layer">The layer, e.g. <c>stage3</c>.</param>
    /// <param name="layerColumnName">A text column naming each row's layer instead; null to use <paramref name="layer"/> for every row.</param>
    /// <param name="backbone">The network; null for the built-in ImageNet ResNet18.</param>
    /// <param name="iterations">Optimisation steps per row; null for the preset's.</param>
    public static ActivationMaximizationEstimator MaximizeActivations(this TransformsCatalog catalog,
        string outputColumnName = ActivationMaximizationOptions.Defaults.OutputColumnName,
        string channelColumnName = ActivationMaximizationOptions.Defaults.ChannelColumnName,
        string layer = ActivationMaximizationOptions.Defaults.Layer, string? layerColumnName = null, BackboneReference? backbone = null,
        int? iterations = null) =>
        new(GetContext(catalog), WithStep(new ActivationMaximizationOptions { ChannelColumnName = channelColumnName, LayerColumnName = layerColumnName },
            outputColumnName, layer, backbone, iterations));

    /// <summary>The activation-maximisation step with every option (see <see cref="ActivationMaximizationOptions"/>).</summary>
    public static ActivationMaximizationEstimator MaximizeActivations(this TransformsCatalog catalog, ActivationMaximizationOptions options) =>
        new(GetContext(catalog), options);

    /// <summary>
    /// Amortised inversion (Dosovitskiy &amp; Brox 2016): Fit trains a decoder that maps what <paramref name="layer"/>
    /// keeps of the images in <paramref name="inputColumnName"/> back to the images; Transform reconstructs each row
    /// (an image or a stored feature vector of the layer) in one forward pass, optionally refined by
    /// <paramref name="refineSteps"/> optimisation steps.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The reconstructed-image column to create.</param>
    /// <param name="inputColumnName">The image column to train on; default <paramref name="outputColumnName"/>.</param>
    /// <param name="layer">The layer to learn to invert (a spatial layer: conv1 … stage4 for the built-in ResNet18).</param>
    /// <param name="backbone">The network; null for the built-in ImageNet ResNet18.</param>
    /// <param name="epochs">Training passes over the data.</param>
    /// <param name="refineSteps">Optimisation steps after the decoder; 0 for the decoder alone.</param>
    public static LearnedInversionEstimator TrainImageInverter(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, string layer = LearnedInversionOptions.Defaults.Layer, BackboneReference? backbone = null,
        int epochs = 30, int refineSteps = 0) =>
        new(GetContext(catalog), WithStep(new LearnedInversionOptions
        {
            InputColumnName = inputColumnName,
            Training = new Inversion.Learned.DecoderTrainingOptions { Epochs = epochs },
            RefineSteps = refineSteps,
        }, outputColumnName, layer, backbone, iterations: null));

    /// <summary>The learned inversion step with every option (see <see cref="LearnedInversionOptions"/>).</summary>
    public static LearnedInversionEstimator TrainImageInverter(this TransformsCatalog catalog, LearnedInversionOptions options) =>
        new(GetContext(catalog), options);

    /// <summary>Loads a learned inversion step (and its decoder) saved with <see cref="RowStepTransformer{TOptions}.SaveTo"/>.</summary>
    public static LearnedInversionTransformer LoadLearnedInversion(this TransformsCatalog catalog, string path) =>
        LearnedInversionTransformer.Load(GetContext(catalog), path);

    /// <summary>Loads an activation-maximisation step saved with <see cref="RowStepTransformer{TOptions}.SaveTo"/>.</summary>
    public static ActivationMaximizationTransformer LoadActivationMaximization(this TransformsCatalog catalog, string path) =>
        ActivationMaximizationTransformer.Load(GetContext(catalog), path);

    /// <summary>Loads a caricature step saved with <see cref="RowStepTransformer{TOptions}.SaveTo"/>.</summary>
    public static CaricatureTransformer LoadCaricature(this TransformsCatalog catalog, string path) =>
        CaricatureTransformer.Load(GetContext(catalog), path);

    /// <summary>Loads an inversion step saved with <see cref="RowStepTransformer{TOptions}.SaveTo"/>.</summary>
    public static ImageInversionTransformer LoadImageInversion(this TransformsCatalog catalog, string path) =>
        ImageInversionTransformer.Load(GetContext(catalog), path);

    // The flat parameters every simple overload shares.
    private static T WithStep<T>(T options, string outputColumnName, string layer, BackboneReference? backbone, int? iterations) where T : RowStepOptions
    {
        options.OutputColumnName = outputColumnName;
        options.Layer = layer;
        options.Backbone = backbone ?? BackboneReference.BuiltInResNet18;
        options.Iterations = iterations;
        return options;
    }

    private static IHostEnvironment GetContext(TransformsCatalog catalog) => MLNetInternals.EnvironmentOf(catalog);
}
