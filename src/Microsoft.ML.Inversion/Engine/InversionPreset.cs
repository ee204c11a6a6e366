using Microsoft.ML.Inversion.Optimizers;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.ML.Inversion.Regularizers;
using Microsoft.ML.Inversion.Transforms;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// A named recipe that chooses every <see cref="LayerSettings"/> knob from the layer's geometry and the
/// backbone's pixel scale B. <see cref="Default"/> is ours, tuned by the quality command (docs/quality.md);
/// <see cref="Ijcv2016"/> and <see cref="Cvpr2015"/> reproduce the papers; <see cref="Naive"/> is the plain
/// gradient descent people try first, for comparison.
/// </summary>
public sealed class InversionPreset
{
    private readonly Func<LayerGeometry, double, LayerSettings> _settings;
    private readonly Func<LayerGeometry, double, LayerSettings> _visualizationSettings;

    /// <summary>Creates a preset from a name, a description and the rule that picks settings for a layer.</summary>
    /// <param name="name">What <c>--preset</c> takes.</param>
    /// <param name="description">What the preset does.</param>
    /// <param name="settings">The inversion settings for a layer, given the backbone's pixel scale B.</param>
    /// <param name="visualizationSettings">The settings that activation maximisation and caricatures adapt
    /// (<see cref="VisualizationSettingsFor"/>); default <paramref name="settings"/>.</param>
    public InversionPreset(string name, string description, Func<LayerGeometry, double, LayerSettings> settings,
        Func<LayerGeometry, double, LayerSettings>? visualizationSettings = null)
    {
        Name = name;
        Description = description;
        _settings = settings;
        _visualizationSettings = visualizationSettings ?? settings;
    }

    /// <summary>The preset's name (what <c>--preset</c> takes).</summary>
    public string Name { get; }

    /// <summary>What the preset does and where its constants come from.</summary>
    public string Description { get; }

    /// <summary>Whether the preset's objective is regularised (false only for <see cref="Naive"/>).</summary>
    public bool IsNaive => ReferenceEquals(this, Naive);

    /// <summary>The settings for a layer, given the backbone's pixel scale B (network units per typical pixel norm).</summary>
    public LayerSettings SettingsFor(LayerGeometry layer, double pixelScale) => _settings(layer, pixelScale);

    /// <summary>
    /// The settings that tasks without a reconstruction target (activation maximisation, caricatures) adapt, given
    /// the backbone's pixel scale B. For most presets the inversion settings; <see cref="Default"/> hands them its
    /// 2026-11 settings, against which those tasks' own constants were measured (docs/visualizations.md): its
    /// Φ0-guided TV, contrast floor, photograph start and shortened schedules are tuned for inversion.
    /// </summary>
    public LayerSettings VisualizationSettingsFor(LayerGeometry layer, double pixelScale) => _visualizationSettings(layer, pixelScale);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>
    /// IJCV 2016 (Mahendran &amp; Vedaldi, "Visualizing deep convolutional neural networks using natural
    /// pre-images"; constants from the authors' nnpreimage code): α = 6 with λα = 1/B^α, TV with β = 2 and
    /// λTV = (6.5/B)^β (both averaged over pixels), C = 1 (the paper varies it per layer in its figures), momentum
    /// 0.9 with a decayed sum of squared gradients, 300 steps with jitter T = max(round(stride/4), 1) then 50 at a
    /// tenth of the rate without jitter, pixel norms clamped to B+ = 2B after each step, uniform-noise start.
    /// </summary>
    public static InversionPreset Ijcv2016 { get; } = new("ijcv2016",
        "IJCV 2016: α=6, β=2, λα=1/B^6, λTV=(6.5/B)^2, C=1, MomentumRms 0.9, 300 jittered + 50 steps at 0.1×, clamp 2B",
        (layer, b) => new LayerSettings
        {
            DataWeight = 1,
            Optimizer = OptimizerFactory.MomentumRms(0.9),
            // The paper's step is one raw input unit (its rate only enters as ε); in our units that is 1/B.
            LearningRate = 1.0 / b,
            JitterAmount = layer.JitterAmount,
            Schedule = [new(300, 1), new(50, 0.1, Jitter: false)],
        });

    /// <summary>
    /// CVPR 2015 (Mahendran &amp; Vedaldi, "Understanding deep image representations by inverting them"):
    /// gradient descent with momentum 0.9, learning rate 1× for 100 steps, 0.1× for 200, 0.01× for 100, images in
    /// σ-scaled units (our B), α = 6, β = 2, λTV 0.5 / 5 / 50 for shallow / middle / deep layers, no jitter.
    /// The paper's λα = 2.16·10⁸ is stated for unnormalised sums over pixels; in our per-pixel-mean σ units the
    /// α-norm weight is 1 (a pixel at norm B costs 1), which is how we read it.
    /// </summary>
    public static InversionPreset Cvpr2015 { get; } = new("cvpr2015",
        "CVPR 2015: momentum SGD 0.9, 100×1 + 200×0.1 + 100×0.01, α=6, β=2, λTV 0.5/5/50 by depth, no jitter",
        (layer, b) => layer.IsHandcrafted ? HandcraftedSettings(layer) : new LayerSettings
        {
            DataWeight = 1,
            Regularizers = [new AlphaNormPrior(1), new TotalVariationPrior(layer.Stride <= 4 ? 0.5 / 42.25 : layer.Stride <= 16 ? 5 / 42.25 : 50 / 42.25)],
            Optimizer = OptimizerFactory.MomentumSgd(0.9),
            // The paper's base rate is tied to its units; in ours 1000 at 224×224 is the largest of 100/1000/10000
            // that does not diverge (stage1, chelsea: 100 steps reach feature error 0.12; 10000 gives NaN). The
            // regularisers are pixel means, so their gradient per pixel grows as images shrink: like the authors'
            // code (rate × number of pixels), the step scales with the pixel count.
            LearningRate = 1000.0 * layer.PixelCount / (224 * 224),
            MaxPixelNorm = double.PositiveInfinity,
            Schedule = [new(100, 1, false), new(200, 0.1, false), new(100, 0.01, false)],
        });

    /// <summary>
    /// The method people try first: white-noise start, fixed-step gradient descent on the data term alone, no
    /// regularisers, no momentum, no jitter, no bound. The step is fixed once, in units of ‖Φ0‖² (what a person
    /// tunes by hand so that it neither diverges nor stalls), 350 steps.
    /// </summary>
    public static InversionPreset Naive { get; } = new("naive",
        "plain gradient descent on ½‖Φ(x)−Φ0‖² from noise: no regularisers, no momentum, no jitter, 350 steps",
        (layer, b) => new LayerSettings
        {
            DataWeight = 0.5,
            Regularizers = [],
            MaxPixelNorm = double.PositiveInfinity,
            Optimizer = OptimizerFactory.MomentumSgd(0),
            // The best of the fixed steps 1, 10, 100, 1000 and 10000 tried at stage1 and stage3 on chelsea
            // (final feature error 0.26 and 0.24 at 1000; 10000 diverges at stage1).
            LearningRate = 1000,
            Schedule = [new(350, 1, false)],
        });

    /// <summary>
    /// Ours, chosen by the quality command on the report and tuning photographs (docs/quality.md), with settings that
    /// adapt to the image through its target Φ0 alone (issue 18). Stride ≤ 4 (conv1, pool1, stage1): the papers'
    /// pixels with the IJCV optimiser, C = 1000 (stride 2) or 300, in 100 (stride 2) or 250 steps, and past the stem
    /// (stage1) a TV that Φ0 guides. Deeper: a
    /// decorrelated Fourier image (Lucid) with IJCV jitter plus small random scale and rotation, Adam (0.02 at stride
    /// 8, 0.01 deeper), C = 20 / 6.5 / 4.5 at stride 8 / 16 / 32, α = 6 at λα = 1, a TV that Φ0 guides
    /// (<see cref="TotalVariationGuide"/>: more where the target is flat, less on texture; per image through the backbone's texture estimate)
    /// and a contrast floor (<see cref="ContrastFloorPrior"/>), with a rate that falls in steps (2, 1.5, 1 and 0.5 times
    /// the base rate, then a quarter without jitter): 200 steps at stride 8, 250 at stride 16, 300 deeper.
    /// Global embeddings (pool5): a start at a photograph's contrast, 0.9 of it the mean image's layout, α = 6, light
    /// TV, a contrast floor, 210 steps of the same falling rate. From stride 4 on, conv1 excepted, the network runs in bfloat16 where the
    /// CPU has it natively (<see cref="LayerSettings.ReducedPrecision"/>): steps 0.59–0.70× as long, the same feature
    /// errors within 0.004 on the report set (docs/quality.md, tuning notes). conv1's 100 short steps gain less than
    /// the one-off weight copy and kernel set-up cost (1.7 → 1.9 s per image).
    /// <see cref="Default2026November"/> keeps the previous default.
    /// </summary>
    public static InversionPreset Default { get; } = new("default",
        "ours: pixels + IJCV optimiser for stride ≤ 4 (100/250 steps, TV guided by Φ0 past the stem); Fourier image + jitter/scale/rotate + Adam, TV guided by Φ0 and a contrast floor deeper; 200–300 steps at a falling rate; pool5 from a photograph-contrast start in the mean image's layout; bfloat16 from pool1 on where native",
        AdaptiveSettings, November2026Settings);

    /// <summary>
    /// The default preset as it stood in November 2026, under a dated name, so that every comparison with the current
    /// default is one flag away (<c>--preset default-2026-11</c>): stride ≤ 4 as <see cref="Default"/> but 350 steps;
    /// deeper, plain TV (λTV 1, 0.6 at stride 16), no contrast floor, Adam 0.05 at stride 8, C = 20 / 5 / 3; pool5 an
    /// α = 2 prior at λα = 35 towards the mean image, λTV 0.55, 860 + 140 steps (a nearly grey image, contrast 0.12).
    /// </summary>
    public static InversionPreset Default2026November { get; } = new("default-2026-11",
        "the default preset of 2026-11, kept for comparisons: pixels + IJCV optimiser, C 1000/300 for stride ≤ 4; Fourier image + jitter/scale/rotate + Adam, C 20/5/3 deeper; α=2 prior (λα 35), λTV 0.55 and 1000 steps for pool5",
        November2026Settings);

    /// <summary>All built-in presets.</summary>
    public static IReadOnlyList<InversionPreset> All { get; } = [Default, Default2026November, Ijcv2016, Cvpr2015, Naive];

    /// <summary>A built-in preset by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static InversionPreset FromName(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown preset '{name}'. Known presets: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <summary>
    /// The CVPR 2015 paper's settings for hand-crafted representations (HOG, HOGb, DSIFT), which both
    /// <see cref="Cvpr2015"/> and <see cref="Default"/> use for them: pixels, C = 1, α = 6 with λα = 1, TV with
    /// β = 2 and λTV = 1 (σ-scaled units), momentum 0.9, 800 steps at 1× / 0.1× / 0.01× of the rate in the
    /// paper's 1 : 2 : 1 proportions, no jitter and no bound on pixel norms. HOG and SIFT normalise away contrast,
    /// so nothing in the data term holds it up and the priors fade the image: its contrast is restored at the end
    /// (<see cref="LayerSettings.RestoreContrast"/>), which leaves the features all but unchanged.
    /// </summary>
    private static LayerSettings HandcraftedSettings(LayerGeometry layer) => new()
    {
        DataWeight = 1,
        Regularizers = [new AlphaNormPrior(1), new TotalVariationPrior(1)],
        Optimizer = OptimizerFactory.MomentumSgd(0.9),
        // Measured on chelsea (docs/representations.md): 10 converges furthest (HOG error 0.11 against 0.17–0.18 at 1 and 100).
        LearningRate = 10.0 * layer.PixelCount / (224 * 224),
        MaxPixelNorm = double.PositiveInfinity,
        Schedule = [new(200, 1, false), new(400, 0.1, false), new(200, 0.01, false)],
        RestoreContrast = true,
    };

    /// <summary>
    /// The TV guide of the default preset (<see cref="TotalVariationGuide"/>): v₀ = 0.8 is the mean variation of
    /// ResNet18's stage2–stage4 targets over the report and tuning photographs (0.71–0.83, `./build.sh quality
    /// --feature-variation`); γ = 2 and gains up to 32 halve stage2's roughness on the flattest photographs
    /// (lake at dusk 3.84 → 1.68) without lowering it on moss or a forest stream (docs/quality.md, tuning notes).
    /// </summary>
    private static readonly TotalVariationGuide AdaptiveGuide = new(0.8, Exponent: 2, MinGain: 0.25, MaxGain: 32);

    /// <summary>
    /// Stride 8 (stage2) also scales each image's TV by (v₀ / v̄)⁴ for its mean variation v̄, on 1.8 times the 2026-11
    /// λTV (twice until the falling rate, which smooths a little more: 31 of 33 tuning photographs inside at 1.8, 29 at 2);
    /// where the backbone estimates the texture (<see cref="Stride8GuideFor"/>) by v₀ / v̄ and the estimate to the power −1: on the tuning set the flat photographs need
    /// about three times the TV that textured ones can bear (λTV 3 brings foggy field 2.61 → 1.36 but moss 0.68 → 0.39).
    /// With v̄ alone (to the power 4) 30 of 33 were inside; it also smoothed the textured half of a photograph whose
    /// other half is flat (a nuthatch on bark before a blurred garden, 0.45). With the estimate carrying the whole
    /// image's share and v̄ to the power 1, all 33 lie inside (0.57–1.03) and stage2's mean error falls 0.262 → 0.259
    /// (docs/quality.md, tuning notes of 2026-12-07).
    /// </summary>
    private static readonly TotalVariationGuide Stride8Guide = AdaptiveGuide with { MaxGain = 16, ImageExponent = 4 };

    /// <summary>The stride-8 guide where the backbone estimates the original's texture (the built-in ResNet18).</summary>
    private static TotalVariationGuide Stride8GuideFor(LayerGeometry layer) =>
        layer.Texture is null ? Stride8Guide : Stride8Guide with { ImageExponent = 1, Texture = layer.Texture, TextureExponent = 1 };

    /// <summary>
    /// Stride 4 past the stem (stage1, more than two convolutions deep) on the pixel settings: v₀ = 0.65, γ = 2, gains
    /// up to 16 and the whole image's TV following its mean variation to the power 4. On the tuning set stage1's roughness lies inside 0.6–1.4 for all 33 photographs (25 with plain TV;
    /// v₀ 0.57: 32, 0.5: 25) and its ncc rises 0.852 → 0.858 (docs/quality.md, tuning notes).
    /// </summary>
    private static readonly TotalVariationGuide Stride4Guide = new(0.65, Exponent: 2, MinGain: 0.25, MaxGain: 16, ImageExponent: 4);

    /// <summary>
    /// The TV guide of pooled layers: no map to read, so only the backbone's estimate of the original's texture
    /// (<see cref="LayerGeometry.Texture"/>) scales each image's λTV, as the estimate to the power −1.4 (gains
    /// 0.25–8). Tuning set: 33 of 33 photographs inside pool5's roughness window (28 without; 32 with the power −1
    /// and gains up to 4, foggy field 1.64), ncc 0.143 → 0.150 (docs/quality.md, tuning notes).
    /// </summary>
    private static readonly TotalVariationGuide GlobalGuide = new(1, Exponent: 0, MinGain: 0.25, MaxGain: 8) { TextureExponent = 1.4 };

    private static LayerSettings AdaptiveSettings(LayerGeometry layer, double b)
    {
        if (layer.IsHandcrafted)
            return November2026Settings(layer, b);
        if (layer.Stride <= 4 && !layer.IsGlobal)
        {
            // The 2026-11 settings converge long before their 350 steps at stride ≤ 4 (report set, tuning notes):
            // conv1 reaches the same feature error (0.022) in 100, stride 4 (pool1, stage1) its targets with room in
            // 250 (stage1 ncc 0.894, target 0.85; 0.854 at 175). Past the stem (stage1, not pool1) the TV follows Φ0 as
            // deeper (Stride4Guide): flat photographs otherwise come out grainy there. The stem's maps vary much less
            // from position to position (pool1 0.20 against stage1 0.55 on the tuning set), so the same guide would
            // smooth pool1 sixteenfold (roughness 0.97 → 0.56).
            LayerSettings pixels = November2026Settings(layer, b).WithIterations(layer.Stride <= 2 ? 100 : 250);
            if (layer.Stride <= 2)
                return pixels;
            pixels = pixels with { ReducedPrecision = true };
            return layer.ConvolutionCount <= 2 ? pixels
                : pixels.WithRegularizer<TotalVariationPrior>(tv => tv with { Guide = Stride4Guide }, new(1));
        }
        if (layer.IsGlobal)
        {
            // pool5 says almost nothing about layout and hardly constrains contrast: an α = 2 pull towards the mean
            // image makes the 2026-11 default a grey square (contrast 0.12). Measured instead (report set, tuning
            // notes): start at a photograph's contrast in the mean image's layout (ncc 0.01 → 0.22 over a noise
            // start), α = 6, a light TV and a contrast floor. In bfloat16 the layout's share must be 0.9 (0.7: ncc
            // 0.18, under target). λTV 0.6 (0.3 before) brings 28 of the 33 tuning photographs inside pool5's
            // roughness window (23 at 0.3; the most textured, forest stream, sits near its 0.3 floor), and each image's
            // λTV following the backbone's texture estimate (GlobalGuide) all 33. The falling rate
            // reaches in 250 steps what a constant one did in 400 (report set 0.110 / 0.262 against 0.109 / 0.261;
            // tuning set 0.103 / 0.143 against 0.096 / 0.148, in 7.1 s per image against 13.2); with its last phase at a
            // quarter of the rate the error falls further (report set ×4: 0.121 → 0.100), which buys shorter jittered
            // phases: 40 steps each, 50 in the last, 210 in all (report set ×4: 0.108, ncc 0.237; 0.86× the time).
            return new LayerSettings
            {
                DataWeight = 3,
                Regularizers = [new AlphaNormPrior(1), new TotalVariationPrior(0.6, Guide: GlobalGuide with { Texture = layer.Texture }), new ContrastFloorPrior(100, 0.8)],
                Parameterization = FourierImage.Factory,
                Optimizer = OptimizerFactory.Adam,
                LearningRate = 0.01,
                JitterAmount = layer.JitterAmount,
                Transforms = TransformFactory.JitterScaleRotate,
                Start = new StartImage(1, LayoutWeight: 0.9),
                Schedule = DecayingSchedule(40, lastPhaseSteps: 50),
                ReducedPrecision = true,
            };
        }
        // As in 2026-11, plus the Φ0-guided TV and a contrast floor (λ 10; 0.6 at stride 8, 0.5 deeper): stage3's
        // contrast 0.45 → 0.64 and stage4's 0.40 → 0.57 on the report set (a floor of 0.6 there costs stage4 its ncc,
        // 0.29 → 0.15). Adam at 0.02 at stride 8 (0.05 before) lowers stage2's error on flat photographs (lake at
        // dusk 0.28 → 0.20); C = 6.5 at stride 16 (5 before) keeps stage3's error under target with the floor
        // (0.222 → 0.211). C = 4.5 deeper (3 before) lifts stage4's ncc on the tuning set 0.233 → 0.273 (target 0.25)
        // with the falling rate, error 0.264 → 0.263. The falling rate smooths stage3 a little more (its λTV was 0.5
        // for it, 0.6 before). Where the backbone estimates the original's texture from Φ0 (the built-in ResNet18),
        // each image's λTV also follows the estimate to the power −k: tuning set, stage4 26 → 33 of 33 photographs
        // inside its window (k 1, ncc 0.273 → 0.262, target 0.25); stage3 27 → 32 at λTV 0.5 and k 1.3 (moss 0.45),
        // all 33 at λTV 0.4 and k 1.6 (0.54–1.05; error 0.203 → 0.207, ncc 0.640 → 0.622, targets 0.22 and 0.55).
        LayerSettings settings = November2026Settings(layer, b);
        TotalVariationPrior Guided(TotalVariationPrior tv) => layer.Stride switch
        {
            <= 8 => tv with { Weight = 1.8 * tv.Weight, Guide = Stride8GuideFor(layer) },
            <= 16 => tv with { Weight = 0.4, Guide = AdaptiveGuide with { Texture = layer.Texture, TextureExponent = 1.6 } },
            _ => tv with { Guide = AdaptiveGuide with { Texture = layer.Texture, TextureExponent = 1 } },
        };
        return settings with
        {
            DataWeight = layer.Stride switch { <= 8 => settings.DataWeight, <= 16 => 6.5, _ => 4.5 },
            Regularizers =
            [
                .. settings.Regularizers.Select(r => r is TotalVariationPrior tv ? Guided(tv) : r),
                new ContrastFloorPrior(10, layer.Stride <= 8 ? 0.6 : 0.5),
            ],
            LearningRate = layer.Stride <= 8 ? 0.02 : settings.LearningRate,
            Schedule = DecayingSchedule(layer.Stride switch { <= 8 => 40, <= 16 => 50, _ => 60 }),
            ReducedPrecision = true,
        };
    }

    /// <summary>
    /// <paramref name="phaseSteps"/> jittered steps at each of 2, 1.5, 1 and 0.5 times the rate, then as many at a quarter
    /// without jitter. Measured against the 2026-11 schedule (a constant rate, then a tenth without jitter; tuning notes,
    /// 2026-12-04): from stage2 to pool5 the decaying rate reaches the same or a lower feature error in 0.63–0.86× the
    /// steps (stage3 on the tuning set: 0.210 in 300 steps against 0.235 in 350; pool5 on the report set 0.110 in 250
    /// against 0.109 in 400). The last phase at a quarter rather than a tenth settles the image on Φ0 (tuning notes,
    /// 2026-12-07; report set ×4 at pool5: error 0.121 → 0.100; a half: 0.130), which lets stage2 and stage3 take 40- and
    /// 50-step phases (50 and 60 before) at a lower error.
    /// </summary>
    /// <param name="phaseSteps">The steps of each jittered phase.</param>
    /// <param name="lastPhaseSteps">The steps of the last phase; default <paramref name="phaseSteps"/>.</param>
    private static SchedulePhase[] DecayingSchedule(int phaseSteps, int? lastPhaseSteps = null) =>
        [new(phaseSteps, 2), new(phaseSteps, 1.5), new(phaseSteps, 1), new(phaseSteps, 0.5), new(lastPhaseSteps ?? phaseSteps, 0.25, Jitter: false)];

    private static LayerSettings November2026Settings(LayerGeometry layer, double b)
    {
        if (layer.IsHandcrafted)
            return HandcraftedSettings(layer);
        if (layer.Stride <= 4 && !layer.IsGlobal)
        {
            return new LayerSettings
            {
                DataWeight = layer.Stride <= 2 ? 1000 : 300,
                Optimizer = OptimizerFactory.MomentumRms(0.9),
                LearningRate = 1.0 / b,
                JitterAmount = 1,
                Schedule = [new(300, 1), new(50, 0.1, Jitter: false)],
            };
        }
        if (layer.IsGlobal)
        {
            // A global embedding (pool5) says almost nothing about layout. Measured (docs/quality.md, tuning notes):
            // an α = 2 prior, which pulls small deviations towards the mean image too, raises pool5's ncc from 0.03
            // (α = 6) to 0.17 at λα 10 and 0.22–0.24 at λα 20–40; more steps (1000) bring the feature error back
            // under target, and a lighter TV (λTV 0.5–0.6) keeps the image from washing out (roughness 0.26 → 0.31–0.33).
            return new LayerSettings
            {
                DataWeight = 3,
                Regularizers = [new AlphaNormPrior(35, Alpha: 2), new TotalVariationPrior(0.55)],
                Parameterization = FourierImage.Factory,
                Optimizer = OptimizerFactory.Adam,
                LearningRate = 0.01,
                JitterAmount = layer.JitterAmount,
                Transforms = TransformFactory.JitterScaleRotate,
                Schedule = [new(860, 1), new(140, 0.1, Jitter: false)],
            };
        }
        // Measured on the three shared photographs (docs/quality.md): Adam at 0.05 is fine at stride 8 but
        // unstable deeper, where 0.01 converges; C = 3 keeps stage4's feature error under target. At stride 16 a
        // lighter TV (0.6) keeps stage3 off the bottom of its roughness window (0.50 → 0.63) and lowers its error.
        double c = layer.Stride <= 8 ? 20 : layer.Stride <= 16 ? 5 : 3;
        return new LayerSettings
        {
            DataWeight = c,
            Regularizers = [new AlphaNormPrior(1), new TotalVariationPrior(layer.Stride is > 8 and <= 16 ? 0.6 : 1)],
            Parameterization = FourierImage.Factory,
            Optimizer = OptimizerFactory.Adam,
            LearningRate = layer.Stride <= 8 ? 0.05 : 0.01,
            JitterAmount = layer.JitterAmount,
            Transforms = TransformFactory.JitterScaleRotate,
            Schedule = [new(300, 1), new(50, 0.1, Jitter: false)],
        };
    }
}
