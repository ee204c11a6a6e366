namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>
/// Resolves ONNX spatial padding (explicit <c>pads</c> or <c>auto_pad</c>) for convolution and pooling, which
/// may be asymmetric: CNTK exports pad top/left only on stride-2 layers, e.g. pads [1,1,0,0].
/// </summary>
internal readonly record struct SpatialPadding(long[] Begin, long[] End)
{
    public bool IsSymmetric => Begin.SequenceEqual(End);

    public bool IsZero => Begin.All(p => p == 0) && End.All(p => p == 0);

    /// <summary>The argument for <c>torch.nn.functional.pad</c>: last dimension first, (begin, end) pairs.</summary>
    public long[] ForTorchPad()
    {
        var pad = new long[Begin.Length * 2];
        for (int d = 0; d < Begin.Length; d++)
        {
            int fromLast = Begin.Length - 1 - d;
            pad[2 * fromLast] = Begin[d];
            pad[2 * fromLast + 1] = End[d];
        }
        return pad;
    }

    public static SpatialPadding Resolve(OnnxNode node, long[] spatialSize, long[] kernel, long[] strides, long[] dilations)
    {
        int rank = spatialSize.Length;
        string autoPad = node.String("auto_pad", "NOTSET");
        var begin = new long[rank];
        var end = new long[rank];
        switch (autoPad)
        {
            case "NOTSET":
                long[] pads = node.Ints("pads") ?? new long[2 * rank];
                if (pads.Length != 2 * rank)
                    throw node.Error($"pads has {pads.Length} values; expected {2 * rank} for {rank} spatial dimensions.");
                Array.Copy(pads, 0, begin, 0, rank);
                Array.Copy(pads, rank, end, 0, rank);
                break;
            case "VALID":
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
                for (int d = 0; d < rank; d++)
                {
                    long outSize = (spatialSize[d] + strides[d] - 1) / strides[d];
                    long total = Math.Max(0, (outSize - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - spatialSize[d]);
                    long small = total / 2, large = total - small;
                    (begin[d], end[d]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
                }
                break;
            default:
                throw node.Error($"auto_pad '{autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID.");
        }
        return new SpatialPadding(begin, end);
    }
}
