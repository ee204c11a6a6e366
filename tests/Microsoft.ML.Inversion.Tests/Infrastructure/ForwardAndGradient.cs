using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests;

/// <summary>One forward pass to a layer and the gradient of its squared norm with respect to the input, for comparing ways of running a backbone.</summary>
internal static class ForwardAndGradient
{
    public static (Tensor Features, Tensor Gradient) Run(Backbone network, Tensor input, string layer, ExecutionSettings execution)
    {
        Tensor x = input.detach().clone().requires_grad_(true);
        Tensor features = network.Forward(x, layer, execution);
        features.square().sum().backward();
        return (features.detach(), x.grad!.clone());
    }
}
