using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>
/// Resize (opsets 10–19) and Upsample (7–9), nearest, linear and cubic, along any axes. Each resized axis is an
/// index selection followed by a weighted sum of the selected slices, so the result is differentiable in the input
/// with exactly the weights ONNX defines (bilinear is linear along each axis in turn).
/// </summary>
internal static class ResizeOperators
{
    public static Tensor[] Resize(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        int rank = (int)x.dim();
        double[]? scales;
        long[]? sizes = null;
        if (node.Opset < 11)
        {
            scales = Doubles(inputs.Required(node, 1));
        }
        else
        {
            scales = inputs.Optional(2) is { } s && s.numel() > 0 ? Doubles(s) : null;
            sizes = inputs.Optional(3) is { } z && z.numel() > 0 ? OperatorHelpers.Longs(z) : null;
        }
        if (node.Int("antialias", 0) != 0)
            throw node.Error("antialias=1 is not supported.");
        string policy = node.String("keep_aspect_ratio_policy", "stretch");
        if (policy != "stretch")
            throw node.Error($"keep_aspect_ratio_policy '{policy}' is not supported (only stretch).");
        long[] axes = (node.Ints("axes") ?? Enumerable.Range(0, rank).Select(d => (long)d).ToArray())
            .Select(a => OperatorHelpers.Axis(a, rank)).ToArray();

        var axisScales = Enumerable.Repeat(1.0, rank).ToArray();
        long[] outSizes = x.shape.ToArray();
        if (sizes is not null)
        {
            if (sizes.Length != axes.Length)
                throw node.Error($"sizes has {sizes.Length} values; expected {axes.Length}.");
            for (int i = 0; i < axes.Length; i++)
            {
                outSizes[axes[i]] = sizes[i];
                axisScales[axes[i]] = (double)sizes[i] / x.shape[axes[i]];
            }
        }
        else if (scales is not null)
        {
            if (scales.Length != axes.Length)
                throw node.Error($"scales has {scales.Length} values; expected {axes.Length}.");
            for (int i = 0; i < axes.Length; i++)
            {
                if (scales[i] <= 0)
                    throw node.Error($"scale {scales[i]} is not positive.");
                axisScales[axes[i]] = scales[i];
                outSizes[axes[i]] = (long)Math.Floor(x.shape[axes[i]] * scales[i]);
            }
        }
        else
            throw node.Error("one of scales and sizes is required.");

        string defaultTransform = node.Opset < 11 ? "asymmetric" : "half_pixel";
        string transform = node.Opset < 11 ? "asymmetric" : node.String("coordinate_transformation_mode", defaultTransform);
        string nearest = node.Opset < 11 ? "legacy" : node.String("nearest_mode", "round_prefer_floor");
        var geometry = new Geometry(node.String("mode", "nearest"), transform, nearest,
            node.Float("cubic_coeff_a", -0.75f), node.Int("exclude_outside", 0) != 0);
        return [Apply(node, x, outSizes, axisScales, geometry)];
    }

    /// <summary>Upsample: scales as an attribute (opset 7) or an input (9); asymmetric coordinates, as Resize at opset 10.</summary>
    public static Tensor[] Upsample(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        double[] scales = node.Floats("scales")?.Select(f => (double)f).ToArray()
            ?? (inputs.Optional(1) is { } s ? Doubles(s) : throw node.Error("scales is required."));
        if (scales.Length != x.dim())
            throw node.Error($"scales has {scales.Length} values; the input has rank {x.dim()}.");
        long[] outSizes = x.shape.Select((d, i) => (long)Math.Floor(d * scales[i])).ToArray();
        string mode = node.String("mode", "nearest");
        var geometry = new Geometry(mode == "bilinear" ? "linear" : mode, "asymmetric", "legacy", -0.75, false);
        return [Apply(node, x, outSizes, scales, geometry)];
    }

    private readonly record struct Geometry(string Mode, string Transform, string NearestMode, double CubicA, bool ExcludeOutside);

    private static Tensor Apply(OnnxNode node, Tensor x, long[] outSizes, double[] scales, Geometry geometry)
    {
        node.WithinLimit(outSizes, "the resized shape");
        if (geometry.Mode is not ("nearest" or "linear" or "cubic"))
            throw node.Error($"mode '{geometry.Mode}' is not one of nearest, linear, cubic.");
        Tensor y = x;
        for (int axis = 0; axis < outSizes.Length; axis++)
        {
            long inSize = x.shape[axis], outSize = outSizes[axis];
            if (inSize == outSize && scales[axis] == 1.0)
                continue;
            if (outSize <= 0 || inSize <= 0)
                throw node.Error($"cannot resize dimension {axis} from {inSize} to {outSize}.");
            var (indices, weights) = Taps(node, inSize, outSize, scales[axis], geometry);
            y = Resample(y, axis, indices, weights);
        }
        return ReferenceEquals(y, x) ? x.alias() : y;
    }

    /// <summary>For each output position, the input positions it reads and their weights (one array per tap).</summary>
    private static (long[][] Indices, double[][] Weights) Taps(OnnxNode node, long inSize, long outSize, double scale, Geometry g)
    {
        int taps = g.Mode switch { "nearest" => 1, "linear" => 2, _ => 4 };
        var indices = Enumerable.Range(0, taps).Select(_ => new long[outSize]).ToArray();
        var weights = Enumerable.Range(0, taps).Select(_ => new double[outSize]).ToArray();
        for (long o = 0; o < outSize; o++)
        {
            double source = g.Transform switch
            {
                "half_pixel" => (o + 0.5) / scale - 0.5,
                "pytorch_half_pixel" => outSize > 1 ? (o + 0.5) / scale - 0.5 : 0,
                "align_corners" => outSize == 1 ? 0 : o * (inSize - 1) / (double)(outSize - 1),
                "asymmetric" => o / scale,
                "half_pixel_symmetric" => inSize / 2.0 * (1 - outSize / (scale * inSize)) + (o + 0.5) / scale - 0.5,
                _ => throw node.Error($"coordinate_transformation_mode '{g.Transform}' is not supported."),
            };
            switch (g.Mode)
            {
                case "nearest":
                    double rounded = g.NearestMode switch
                    {
                        "round_prefer_floor" => source - Math.Floor(source) == 0.5 ? Math.Floor(source) : Math.Round(source),
                        "round_prefer_ceil" => Math.Round(source, MidpointRounding.AwayFromZero),
                        "floor" => Math.Floor(source),
                        "ceil" => Math.Ceiling(source),
                        // Upsample and Resize before opset 11: floor when enlarging, ceil when shrinking.
                        "legacy" => scale < 1 ? Math.Ceiling(source) : Math.Floor(source),
                        _ => throw node.Error($"nearest_mode '{g.NearestMode}' is not one of round_prefer_floor, round_prefer_ceil, floor, ceil."),
                    };
                    indices[0][o] = Math.Clamp((long)rounded, 0, inSize - 1);
                    weights[0][o] = 1;
                    break;
                case "linear":
                    double clamped = Math.Clamp(source, 0, inSize - 1);
                    long low = (long)Math.Floor(clamped);
                    double t = clamped - low;
                    indices[0][o] = low;
                    indices[1][o] = Math.Min(low + 1, inSize - 1);
                    weights[0][o] = 1 - t;
                    weights[1][o] = t;
                    break;
                default:
                    long floor = (long)Math.Floor(source);
                    double f = source - floor, total = 0;
                    for (int k = 0; k < 4; k++)
                    {
                        long position = floor - 1 + k;
                        double w = Cubic(Math.Abs(f - (k - 1)), g.CubicA);
                        if (g.ExcludeOutside && (position < 0 || position >= inSize))
                            w = 0;
                        indices[k][o] = Math.Clamp(position, 0, inSize - 1);
                        weights[k][o] = w;
                        total += w;
                    }
                    if (g.ExcludeOutside && total != 0)
                        for (int k = 0; k < 4; k++)
                            weights[k][o] /= total;
                    break;
            }
        }
        return (indices, weights);
    }

    /// <summary>The Keys cubic convolution kernel with coefficient a.</summary>
    private static double Cubic(double d, double a) =>
        d <= 1 ? ((a + 2) * d - (a + 3)) * d * d + 1
        : d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
        : 0;

    private static Tensor Resample(Tensor x, int axis, long[][] indices, double[][] weights)
    {
        long[] weightShape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        weightShape[axis] = indices[0].Length;
        Tensor? sum = null;
        for (int k = 0; k < indices.Length; k++)
        {
            using Tensor index = tensor(indices[k], device: x.device);
            Tensor picked = x.index_select(axis, index);
            if (weights[k].All(w => w == 1))
            {
                sum = sum is null ? picked : sum + picked;
                continue;
            }
            using Tensor w = tensor(weights[k], device: x.device).to_type(x.is_floating_point() ? x.dtype : ScalarType.Float32).reshape(weightShape);
            sum = sum is null ? picked * w : sum + picked * w;
        }
        return sum!;
    }

    private static double[] Doubles(Tensor t)
    {
        using var cpu = t.cpu().to_type(ScalarType.Float64);
        return cpu.data<double>().ToArray();
    }
}
