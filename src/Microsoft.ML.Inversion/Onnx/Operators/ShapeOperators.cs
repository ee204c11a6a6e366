using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>
/// Operators that move, select or describe elements: Flatten, Reshape, Transpose, Concat, Split, Slice, Pad,
/// Squeeze, Unsqueeze, Shape, Gather, ConstantOfShape, Expand, Tile, Range, ScatterND, Cast, Identity and Dropout
/// (inference: identity).
/// </summary>
internal static class ShapeOperators
{
    /// <summary>The operators whose output size is given by an input, and the index of that input.</summary>
    public static readonly IReadOnlyDictionary<string, int> ShapeInputs = new Dictionary<string, int>
    {
        ["Reshape"] = 1,
        ["Expand"] = 1,
        ["ConstantOfShape"] = 0,
    };

    /// <summary>
    /// Refuses a requested output shape that is too large (see <see cref="OperatorHelpers.WithinLimit"/>). A
    /// Reshape's 0 (copy a dimension) and -1 (infer it) entries cannot make it larger than its input.
    /// </summary>
    public static void CheckRequestedShape(OnnxNode node, long[] shape) =>
        node.WithinLimit(node.OpType == "Reshape" ? shape.Where(d => d is not (0 or -1)).ToArray() : shape, "the requested shape");

    public static Tensor[] Identity(OnnxNode node, Tensor?[] inputs) => [inputs.Required(node, 0).alias()];

    public static Tensor[] Dropout(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        return node.Outputs.Length > 1 && !string.IsNullOrEmpty(node.Outputs[1])
            ? [x.alias(), ones_like(x, dtype: ScalarType.Bool)]
            : [x.alias()];
    }

    public static Tensor[] Flatten(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long axis = OperatorHelpers.Axis(node.Int("axis", 1), x.dim());
        long rows = x.shape[..(int)axis].Aggregate(1L, (p, d) => p * d);
        return [x.reshape(rows, -1)];
    }

    public static Tensor[] Reshape(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] shape = node.Opset < 5
            ? node.Ints("shape") ?? throw node.Error("the shape attribute is required before opset 5.")
            : OperatorHelpers.Longs(inputs.Required(node, 1));
        bool allowZero = node.Int("allowzero", 0) != 0;
        long[] resolved = shape.Select((d, i) => d == 0 && !allowZero && i < x.dim() ? x.shape[i] : d).ToArray();
        CheckRequestedShape(node, resolved);
        return [x.reshape(resolved)];
    }

    public static Tensor[] Transpose(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] perm = node.Ints("perm") ?? Enumerable.Range(0, (int)x.dim()).Reverse().Select(d => (long)d).ToArray();
        return [x.permute(perm)];
    }

    public static Tensor[] Concat(OnnxNode node, Tensor?[] inputs)
    {
        Tensor[] parts = inputs.Where(t => t is not null).Select(t => t!).ToArray();
        long axis = OperatorHelpers.Axis(node.Int("axis", long.MinValue) is var a && a != long.MinValue ? a : throw node.Error("axis is required."), parts[0].dim());
        return [cat(parts, axis)];
    }

    public static Tensor[] Split(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long axis = OperatorHelpers.Axis(node.Int("axis", 0), x.dim());
        long length = x.shape[axis];
        int outputs = node.Outputs.Length;
        long[]? sizes = node.Opset >= 13
            ? inputs.Optional(1) is { } s ? OperatorHelpers.Longs(s) : null
            : node.Ints("split");
        if (sizes is null || sizes.Length == 0)
        {
            long chunk = (length + outputs - 1) / outputs;
            sizes = Enumerable.Range(0, outputs).Select(i => Math.Min(chunk, length - i * chunk)).ToArray();
        }
        return x.split(sizes, axis);
    }

    public static Tensor[] Slice(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] starts, ends;
        long[]? axes, steps = null;
        if (node.Opset < 10)
        {
            starts = node.Ints("starts") ?? throw node.Error("starts is required.");
            ends = node.Ints("ends") ?? throw node.Error("ends is required.");
            axes = node.Ints("axes");
        }
        else
        {
            starts = OperatorHelpers.Longs(inputs.Required(node, 1));
            ends = OperatorHelpers.Longs(inputs.Required(node, 2));
            axes = inputs.Optional(3) is { } ax ? OperatorHelpers.Longs(ax) : null;
            steps = inputs.Optional(4) is { } st ? OperatorHelpers.Longs(st) : null;
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        Tensor y = x;
        for (int i = 0; i < axes.Length; i++)
        {
            long dim = OperatorHelpers.Axis(axes[i], x.dim());
            long size = x.shape[dim];
            long step = steps?[i] ?? 1;
            if (step == 0)
                throw node.Error("a slice step of 0 is invalid.");
            long start = starts[i] < 0 ? starts[i] + size : starts[i];
            long end = ends[i] < 0 ? ends[i] + size : ends[i];
            if (step > 0)
            {
                start = Math.Clamp(start, 0, size);
                end = Math.Clamp(end, 0, size);
                y = y.slice(dim, start, Math.Max(start, end), step);
            }
            else
            {
                start = Math.Clamp(start, 0, size - 1);
                end = Math.Clamp(end, -1, size - 1);
                using Tensor index = arange(start, end, step, dtype: ScalarType.Int64, device: x.device);
                y = y.index_select(dim, index);
            }
        }
        return [ReferenceEquals(y, x) ? x.alias() : y];
    }

    public static Tensor[] Pad(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] pads;
        double value;
        if (node.Opset < 11)
        {
            pads = node.Ints("pads") ?? node.Ints("paddings") ?? throw node.Error("pads is required.");
            value = node.Float("value", 0f);
        }
        else
        {
            pads = OperatorHelpers.Longs(inputs.Required(node, 1));
            value = inputs.Optional(2) is { } v ? OperatorHelpers.Scalar(v) : 0.0;
            if (inputs.Optional(3) is { } axesTensor)
            {
                long[] axes = OperatorHelpers.Longs(axesTensor);
                var full = new long[2 * x.dim()];
                for (int i = 0; i < axes.Length; i++)
                {
                    long d = OperatorHelpers.Axis(axes[i], x.dim());
                    full[d] = pads[i];
                    full[d + x.dim()] = pads[i + axes.Length];
                }
                pads = full;
            }
        }
        int rank = (int)x.dim();
        if (pads.Length != 2 * rank)
            throw node.Error($"pads has {pads.Length} values; expected {2 * rank}.");
        var padding = new SpatialPadding(pads[..rank], pads[rank..]);
        string mode = node.String("mode", "constant");
        var torchMode = mode switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "edge" => PaddingModes.Replicate,
            _ => throw node.Error($"mode '{mode}' is not one of constant, reflect, edge."),
        };
        node.WithinLimit(x.shape.Select((d, i) => d + pads[i] + pads[i + rank]).ToArray(), "the padded shape");
        long[] torchPad = padding.ForTorchPad();
        if (torchMode != PaddingModes.Constant)
        {
            // torch pads only the trailing (spatial) dimensions in reflect and edge modes.
            for (int d = 0; d < Math.Min(2, rank); d++)
                if (pads[d] != 0 || pads[d + rank] != 0)
                    throw node.Error($"mode '{mode}' can pad only the spatial dimensions, not dimension {d}.");
            torchPad = torchPad[..(2 * (rank - 2))];
        }
        return [F.pad(x, torchPad, torchMode, value)];
    }

    public static Tensor[] Squeeze(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[]? axes = node.Opset >= 13 ? inputs.Optional(1) is { } a ? OperatorHelpers.Longs(a) : null : node.Ints("axes");
        if (axes is null)
            return [x.squeeze()];
        var drop = axes.Select(a => OperatorHelpers.Axis(a, x.dim())).ToHashSet();
        return [x.reshape(x.shape.Where((_, i) => !drop.Contains(i)).ToArray())];
    }

    public static Tensor[] Unsqueeze(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] axes = (node.Opset >= 13 ? OperatorHelpers.Longs(inputs.Required(node, 1)) : node.Ints("axes"))
            ?? throw node.Error("axes is required.");
        long outRank = x.dim() + axes.Length;
        var inserted = axes.Select(a => OperatorHelpers.Axis(a, outRank)).ToHashSet();
        var shape = new List<long>();
        int next = 0;
        for (int d = 0; d < outRank; d++)
            shape.Add(inserted.Contains(d) ? 1 : x.shape[next++]);
        return [x.reshape(shape.ToArray())];
    }

    public static Tensor[] Shape(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long rank = x.dim();
        long start = Math.Clamp(OperatorHelpers.Axis(node.Int("start", 0), rank), 0, rank);
        long end = Math.Clamp(node.HasAttribute("end") ? OperatorHelpers.Axis(node.Int("end", rank), rank) : rank, start, rank);
        return [tensor(x.shape[(int)start..(int)end])];
    }

    public static Tensor[] Gather(OnnxNode node, Tensor?[] inputs)
    {
        Tensor data = inputs.Required(node, 0), indices = inputs.Required(node, 1);
        long axis = OperatorHelpers.Axis(node.Int("axis", 0), data.dim());
        long size = data.shape[axis];
        using Tensor flat = indices.to_type(ScalarType.Int64).flatten().to(data.device);
        using Tensor wrapped = flat.remainder(size);
        Tensor picked = data.index_select(axis, wrapped);
        long[] shape = data.shape[..(int)axis].Concat(indices.shape).Concat(data.shape[(int)(axis + 1)..]).ToArray();
        return [picked.reshape(shape)];
    }

    public static Tensor[] ConstantOfShape(OnnxNode node, Tensor?[] inputs)
    {
        long[] shape = OperatorHelpers.Longs(inputs.Required(node, 0));
        CheckRequestedShape(node, shape);
        using Tensor? value = node.TensorValue("value", ScalarType.Float32);
        if (value is null)
            return [zeros(shape)];
        if (value.numel() != 1)
            throw node.Error($"the value attribute has {value.numel()} elements; expected one.");
        return [value.reshape(1).expand(shape).contiguous()];
    }

    /// <summary>ONNX Expand: broadcasts the input and the requested shape against each other (NumPy rules).</summary>
    public static Tensor[] Expand(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] requested = OperatorHelpers.Longs(inputs.Required(node, 1));
        CheckRequestedShape(node, requested);
        int rank = Math.Max((int)x.dim(), requested.Length);
        var shape = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            long a = DimFromEnd(x.shape, rank - 1 - d), b = DimFromEnd(requested, rank - 1 - d);
            shape[d] = a == b || b == 1 ? a : a == 1 ? b
                : throw node.Error($"the input shape [{string.Join(", ", x.shape)}] does not broadcast to [{string.Join(", ", requested)}].");
        }
        node.WithinLimit(shape, "the expanded shape");
        return [x.expand(shape)];
    }

    /// <summary>Tile: repeats the input along each dimension (torch's repeat, with one count per dimension).</summary>
    public static Tensor[] Tile(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] repeats = OperatorHelpers.Longs(inputs.Required(node, 1));
        if (repeats.Length != x.dim())
            throw node.Error($"repeats has {repeats.Length} values; the input has rank {x.dim()}.");
        node.WithinLimit(x.shape.Select((d, i) => d * repeats[i]).ToArray(), "the tiled shape");
        return [x.repeat(repeats)];
    }

    /// <summary>Range(start, limit, delta): max(⌈(limit − start) / delta⌉, 0) values, integers or floats as the inputs are.</summary>
    public static Tensor[] Range(OnnxNode node, Tensor?[] inputs)
    {
        Tensor startTensor = inputs.Required(node, 0);
        double start = OperatorHelpers.Scalar(startTensor), limit = OperatorHelpers.Scalar(inputs.Required(node, 1));
        double delta = OperatorHelpers.Scalar(inputs.Required(node, 2));
        if (delta == 0)
            throw node.Error("delta is 0.");
        long count = Math.Max((long)Math.Ceiling((limit - start) / delta), 0);
        node.WithinLimit([count], "the range");
        Tensor steps = arange(count, dtype: ScalarType.Float64, device: startTensor.device);
        Tensor values = steps * delta + start;
        return [startTensor.is_floating_point() ? values.to_type(startTensor.dtype) : values.round().to_type(startTensor.dtype)];
    }

    /// <summary>
    /// ScatterND: a copy of data with the slices that indices [..., k] address replaced by (reduction "add": added to)
    /// updates; differentiable in data and updates.
    /// </summary>
    public static Tensor[] ScatterND(OnnxNode node, Tensor?[] inputs)
    {
        Tensor data = inputs.Required(node, 0), indices = inputs.Required(node, 1), updates = inputs.Required(node, 2);
        long k = indices.shape[^1];
        if (indices.dim() < 1 || k > data.dim())
            throw node.Error($"indices of shape [{string.Join(", ", indices.shape)}] cannot address data of rank {data.dim()}.");
        long[] addressed = data.shape[..(int)k], rest = data.shape[(int)k..];
        // Row-major linear index of each addressed slice, negative indices counted from the end.
        using Tensor index = indices.to_type(ScalarType.Int64).to(data.device).reshape(-1, k);
        using Tensor sizes = tensor(addressed, device: data.device);
        using Tensor wrapped = index.remainder(sizes);
        long[] strideValues = new long[k];
        for (long d = k - 1, stride = 1; d >= 0; stride *= addressed[d], d--)
            strideValues[d] = stride;
        using Tensor strides = tensor(strideValues, device: data.device);
        using Tensor linear = (wrapped * strides).sum(1);
        long slices = addressed.Aggregate(1L, (p, d) => p * d);
        Tensor flatData = data.reshape([slices, .. rest]);
        Tensor flatUpdates = updates.to_type(data.dtype).reshape([-1, .. rest]);
        string reduction = node.String("reduction", "none");
        Tensor result = reduction switch
        {
            "none" => flatData.index_copy(0, linear, flatUpdates),
            "add" => flatData.index_add(0, linear, flatUpdates, 1),
            _ => throw node.Error($"reduction '{reduction}' is not supported (none and add are)."),
        };
        return [result.reshape(data.shape)];
    }

    private static long DimFromEnd(long[] shape, int fromEnd) => fromEnd < shape.Length ? shape[shape.Length - 1 - fromEnd] : 1;

    public static Tensor[] Cast(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long to = node.Int("to", 1);
        return to switch
        {
            // Floating targets keep the module's floating type (float32, or float64 for gradient checks).
            1 or 10 or 11 or 16 => [x.is_floating_point() ? x.alias() : x.to_type(ScalarType.Float32)],
            2 or 3 or 5 or 6 or 7 or 12 or 13 => [x.to_type(ScalarType.Int64)],
            9 => [x.to_type(ScalarType.Bool)],
            _ => throw node.Error($"cast to ONNX type {to} is not supported."),
        };
    }
}
