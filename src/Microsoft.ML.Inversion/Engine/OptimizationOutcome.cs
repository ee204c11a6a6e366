using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>What one run of the optimisation loop produced.</summary>
/// <param name="NetworkInput">The final images as network input [N, 3, H, W] (centre crop of the canvas), detached.</param>
/// <param name="Steps">The number of steps taken.</param>
/// <param name="LossCurves">Each image's energy at every step, when recorded.</param>
public sealed record OptimizationOutcome(Tensor NetworkInput, int Steps, double[][]? LossCurves)
{
    /// <summary>The final images as RGB 0–255 on the CPU, outside any dispose scope (the caller owns them).</summary>
    public Tensor RgbImages(Backbone backbone)
    {
        using var noGrad = no_grad();
        return backbone.Preprocessing.FromNetworkInput(NetworkInput).clamp(0, 255).cpu().detach().DetachFromDisposeScope();
    }
}
