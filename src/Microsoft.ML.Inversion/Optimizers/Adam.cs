using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Optimizers;

/// <summary>Adam (Kingma &amp; Ba 2015), per element; bias-corrected.</summary>
public sealed class Adam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : InversionOptimizer
{
    /// <inheritdoc />
    protected override Tensor[] CreateState(Tensor parameter) => [zeros_like(parameter), zeros_like(parameter)];

    /// <inheritdoc />
    protected override void Update(Tensor parameter, Tensor gradient, Tensor[] state, double learningRate)
    {
        Tensor mean = state[0], squares = state[1];
        mean.mul_(beta1).add_(gradient, 1 - beta1);
        squares.mul_(beta2).addcmul_(gradient, gradient, 1 - beta2);
        double correction1 = 1 - Math.Pow(beta1, StepCount), correction2 = 1 - Math.Pow(beta2, StepCount);
        // p ← p − η·m̂/(√v̂ + ε), with m̂ = m/c1 and √v̂ = √v/√c2, in fused in-place kernels.
        Tensor denominator = squares.sqrt().div_(Math.Sqrt(correction2)).add_(epsilon);
        parameter.addcdiv_(mean, denominator, -learningRate / correction1);
    }
}
