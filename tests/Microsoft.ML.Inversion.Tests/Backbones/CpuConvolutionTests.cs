using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>
/// <see cref="CpuConvolution"/> against float64 (which libtorch computes without oneDNN): on a 2-core AMD EPYC VM
/// libtorch's float32 kernels got 426 of 5,640 such convolutions wrong, among them most of the shapes below.
/// </summary>
[TestClass]
public sealed class CpuConvolutionTests
{
    [TestMethod]
    [DataRow(3L, 64L, 1L, false, DisplayName = "a first layer into 64 channels (ResNet18's conv1) keeps libtorch's kernel")]
    [DataRow(64L, 128L, 1L, false, DisplayName = "multiples of 32 keep it")]
    [DataRow(24L, 24L, 24L, false, DisplayName = "depthwise keeps it")]
    [DataRow(24L, 24L, 1L, true, DisplayName = "24 channels take the product")]
    [DataRow(32L, 3L, 1L, true, DisplayName = "3 outputs (a decoder's last layer) take it")]
    [DataRow(96L, 96L, 2L, true, DisplayName = "48 channels per group take it")]
    public void ChannelCountsPickTheRoute(long inputChannels, long outputChannels, long groups, bool matrixProduct) =>
        Assert.AreEqual(matrixProduct, CpuConvolution.UsesMatrixProduct(CPU, inputChannels, outputChannels, groups));

    [TestMethod]
    [DataRow(24L, 24L, 3L, 1L, 1L, 1L, DisplayName = "24→24 3×3")]
    [DataRow(32L, 3L, 3L, 1L, 1L, 1L, DisplayName = "32→3 3×3")]
    [DataRow(48L, 64L, 3L, 2L, 1L, 1L, DisplayName = "48→64 3×3 stride 2")]
    [DataRow(96L, 96L, 5L, 2L, 1L, 2L, DisplayName = "96→96 5×5 stride 2 in 2 groups")]
    [DataRow(40L, 16L, 3L, 1L, 2L, 1L, DisplayName = "40→16 3×3 dilation 2")]
    [DataRow(64L, 80L, 1L, 1L, 1L, 1L, DisplayName = "64→80 1×1")]
    public void OutputsAndGradientsMatchFloat64InBothLayouts(long inputChannels, long outputChannels, long kernel, long stride, long dilation, long groups)
    {
        foreach (bool channelsLast in new[] { false, true })
        {
            using var scope = NewDisposeScope();
            var generator = new Generator(5);
            Tensor input = randn([2, inputChannels, 15, 15], generator: generator);
            Tensor weight = randn([outputChannels, inputChannels / groups, kernel, kernel], generator: generator);
            Tensor bias = randn([outputChannels], generator: generator);
            long[] strides = [stride, stride], padding = [dilation * (kernel / 2), dilation * (kernel / 2)], dilations = [dilation, dilation];

            Tensor x64 = input.to_type(ScalarType.Float64).requires_grad_(true);
            Tensor w64 = weight.to_type(ScalarType.Float64).requires_grad_(true);
            Tensor expected = F.conv2d(x64, w64, bias.to_type(ScalarType.Float64), strides, padding, dilations, groups);
            expected.square().sum().backward();

            Tensor x = input.detach().requires_grad_(true);
            Tensor w = weight.detach().requires_grad_(true);
            Tensor laidOut = channelsLast ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x;
            Tensor actual = CpuConvolution.Conv2d(laidOut, w, bias, strides, padding, dilations, groups);
            actual.square().sum().backward();

            string layout = channelsLast ? "channels-last" : "NCHW";
            Assert.IsLessThan(1e-5, RelativeError(actual, expected), $"{layout}: output");
            Assert.IsLessThan(1e-5, RelativeError(x.grad!, x64.grad!), $"{layout}: input gradient");
            Assert.IsLessThan(1e-5, RelativeError(w.grad!, w64.grad!), $"{layout}: weight gradient");
        }
    }

    [TestMethod]
    [DataRow(512L, 28L, 2L, false, DisplayName = "512→1024 stride 2 on 28×28 (ResNet-50's layer3.0 downsample)")]
    [DataRow(512L, 14L, 1L, true, DisplayName = "512→1024 on 14×14 in channels-last")]
    [DataRow(256L, 28L, 1L, true, DisplayName = "256→1024 on 28×28 in channels-last (ResNet-50's layer3 at 448×448)")]
    public void WidePointwiseLayersPassTheirGradient(long inputChannels, long size, long stride, bool channelsLast)
    {
        // oneDNN's forward or backward killed the process with a division by zero on these, on the VM described in
        // CpuConvolution's remarks.
        using var scope = NewDisposeScope();
        var generator = new Generator(13);
        Tensor input = randn([1, inputChannels, size, size], generator: generator);
        Tensor weight = randn([1024, inputChannels, 1, 1], generator: generator) / Math.Sqrt(inputChannels);
        Tensor x64 = input.to_type(ScalarType.Float64).requires_grad_(true);
        Tensor expected = F.conv2d(x64, weight.to_type(ScalarType.Float64), strides: [stride, stride]);
        expected.square().sum().backward();

        Tensor x = input.detach().requires_grad_(true);
        Tensor fed = channelsLast ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x;
        Assert.IsTrue(CpuConvolution.IsWidePointwiseToRewrite(fed, weight, [stride, stride], [0, 0]));
        Tensor actual = CpuConvolution.Conv2d(fed, weight, null, [stride, stride], [0, 0], [1, 1], 1);
        actual.square().sum().backward();
        CollectionAssert.AreEqual(new long[] { 1, 1024, size / stride, size / stride }, actual.shape);
        Assert.IsLessThan(1e-5, RelativeError(actual, expected), "output");
        Assert.IsLessThan(1e-5, RelativeError(x.grad!, x64.grad!), "input gradient");
    }

    [TestMethod]
    public void OnlyWidePointwiseLayersOutsideTheDefaultLayoutOrStridedAreRewritten()
    {
        using var scope = NewDisposeScope();
        Tensor map = zeros(1, 512, 14, 14), channelsLast = map.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Assert.IsFalse(CpuConvolution.IsWidePointwiseToRewrite(map, zeros(1024, 512, 1, 1), [1, 1], [0, 0]), "default layout, stride 1");
        Assert.IsFalse(CpuConvolution.IsWidePointwiseToRewrite(channelsLast, zeros(512, 512, 1, 1), [1, 1], [0, 0]), "512 outputs");
        Assert.IsFalse(CpuConvolution.IsWidePointwiseToRewrite(channelsLast, zeros(1024, 512, 3, 3), [1, 1], [1, 1]), "3×3");
        Assert.IsFalse(CpuConvolution.IsWidePointwiseToRewrite(zeros(1, 256, 28, 28), zeros(512, 256, 1, 1), [2, 2], [0, 0]), "ResNet18's widest downsampling");
        Assert.IsTrue(CpuConvolution.IsWidePointwiseToRewrite(channelsLast, zeros(1024, 512, 1, 1), [1, 1], [0, 0]));
    }

    [TestMethod]
    public void BFloat16InputsGiveBFloat16OutputsNearFloat32()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        Tensor input = randn([2, 24, 12, 12], generator: generator), weight = randn([24, 24, 3, 3], generator: generator);
        Tensor reference = CpuConvolution.Conv2d(input, weight, null, [1, 1], [1, 1], [1, 1], 1);
        Tensor reduced = CpuConvolution.Conv2d(input.to_type(ScalarType.BFloat16), weight.to_type(ScalarType.BFloat16), null, [1, 1], [1, 1], [1, 1], 1);
        Assert.AreEqual(ScalarType.BFloat16, reduced.dtype);
        Assert.IsLessThan(0.02, RelativeError(reduced, reference), "bfloat16's rounding of inputs, weights and output");
    }

    private static double RelativeError(Tensor actual, Tensor expected)
    {
        Tensor a = actual.to_type(ScalarType.Float64), e = expected.to_type(ScalarType.Float64);
        double error = ((a - e).norm() / e.norm()).item<double>();
        return double.IsFinite(error) ? error : double.PositiveInfinity;
    }
}
