using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Objectives;
using Microsoft.ML.Inversion.Regularizers;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

/// <summary>The pieces of the adaptive preset (issue 18): the Φ0-guided TV, the contrast floor and the start image.</summary>
[TestClass]
public sealed class AdaptivePriorTests
{
    private static Tensor Tuning(string name) => ImageTensors.LoadCentered(TestEnvironment.Photograph(Path.Combine("tuning", name)), 224, 224);

    [TestMethod]
    public void GuideSmoothsAFlatSkyMoreThanMoss()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var guide = new TotalVariationGuide(0.8, Exponent: 2, MinGain: 0.25, MaxGain: 32);
        Tensor lake = BuiltInNetwork.ResNet18.Featurize(Tuning("008-lake-dusk.jpg"), "stage2");
        Tensor moss = BuiltInNetwork.ResNet18.Featurize(Tuning("034-moss.jpg"), "stage2");
        Tensor lakeGains = guide.Gains(lake, 227, 227)!, mossGains = guide.Gains(moss, 227, 227)!;
        CollectionAssert.AreEqual(new long[] { 1, 1, 227, 227 }, lakeGains.shape);
        double lakeMean = lakeGains.mean().item<float>(), mossMean = mossGains.mean().item<float>();
        // The sky (top third) is the flattest part of the lake photograph; the reeds and horizon are not.
        double sky = lakeGains[.., .., ..75, ..].mean().item<float>(), horizon = lakeGains[.., .., 110..170, ..].mean().item<float>();
        Console.WriteLine($"mean gain: lake {lakeMean:F2} (sky {sky:F2}, horizon {horizon:F2}), moss {mossMean:F2}");
        Assert.IsGreaterThan(2 * mossMean, lakeMean, "a flat photograph should get far more TV than a textured one");
        Assert.IsGreaterThan(horizon, sky, "within the photograph, the flat sky should get more TV than the horizon");
        Assert.IsTrue(lakeGains.ge(0.25 - 1e-6).all().item<bool>() && lakeGains.le(32 + 1e-4).all().item<bool>(), "gains stay within their clamp");
        Assert.IsNull(guide.Gains(BuiltInNetwork.ResNet18.Featurize(Tuning("034-moss.jpg"), "pool5").flatten(1), 227, 227), "a pooled embedding has no map");
    }

    [TestMethod]
    public void ContrastFloorCostsNothingForAPhotographAndPushesAFadedOneUp()
    {
        using var scope = NewDisposeScope();
        var backbone = BuiltInNetwork.ResNet18;
        Tensor photo = backbone.Preprocessing.ToNetworkInput(ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), 96, 96)) / backbone.TypicalPixelNorm;
        double contrast = (photo - photo.mean([2L, 3L], keepdim: true)).square().sum([1L]).mean().sqrt().item<float>();
        Console.WriteLine($"chelsea's contrast ρ = {contrast:F3} B");
        // Half the photograph's own contrast: the photograph is above it, a copy faded to a fifth below it.
        Objective floor = Objective.ContrastShortfall(contrast / 2);
        ObjectiveContext Context(Tensor image) => new(image, () => throw new InvalidOperationException("no features"), null, null);
        Assert.AreEqual(0.0, floor.Evaluate(Context(photo)).item<float>(), 1e-9, "a photograph is above the floor");
        Assert.AreEqual(Math.Pow(contrast / 2 - contrast / 5, 2), floor.Evaluate(Context(photo * 0.2)).item<float>(), 1e-3 * contrast * contrast, "shortfall squared");

        Tensor faded = (photo * 0.2).detach().requires_grad_(true);
        Tensor value = floor.Evaluate(Context(faded));
        Assert.IsGreaterThan(0.0, value.item<float>(), "a faded copy is below the floor");
        value.sum().backward();
        Tensor centred = faded.detach() - faded.detach().mean([2L, 3L], keepdim: true);
        // Gradient descent must move the image away from its mean colour, i.e. raise its contrast.
        Assert.IsLessThan(0.0, (faded.grad! * centred).sum().item<float>(), "descending the floor raises contrast");
    }

    [TestMethod]
    public void StartImageHasAPhotographsContrastAndTheMeanImagesLayout()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var backbone = BuiltInNetwork.ResNet18;
        Tensor noise = randn(2, 3, 64, 64) * 0.01;
        Tensor start = new StartImage(1, LayoutWeight: 0.7).Canvas(noise, backbone);
        Tensor rms = (start - start.mean([2L, 3L], keepdim: true)).square().sum([1L]).mean([1L, 2L]).sqrt();
        Assert.IsTrue(rms.sub(1).abs().lt(0.1).all().item<bool>(), $"start RMS {rms[0].item<float>():F3}, expected about 1");

        Tensor meanImage = backbone.Preprocessing.MeanImage(64, 64);
        Tensor layout = backbone.Preprocessing.FromNetworkInput(start[..1] * backbone.TypicalPixelNorm);
        double withLayout = Measures.ImageMeasures.Ncc(layout, meanImage);
        double noiseOnly = Measures.ImageMeasures.Ncc(backbone.Preprocessing.FromNetworkInput(new StartImage(1).Canvas(noise, backbone)[..1] * backbone.TypicalPixelNorm), meanImage);
        Console.WriteLine($"ncc with the mean image: layout start {withLayout:F3}, noise start {noiseOnly:F3}");
        Assert.IsGreaterThan(0.5, withLayout, "the start should carry the mean image's layout");
        Assert.IsLessThan(0.3, Math.Abs(noiseOnly), "without layout the start is noise");
    }
}
