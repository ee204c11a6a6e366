using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Optimizers;

/// <summary>
/// Gradient descent with momentum: v ← m·v − η·g; p ← p + v (CVPR 2015). With momentum 0 it is the plain,
/// fixed-step gradient descent people try first (the <c>naive</c> method).
/// </summary>
public sealed class MomentumSgd(double momentum) : InversionOptimizer
{
    /// <summary>The momentum m.</summary>
    public double Momentum { get; } = momentum;

    /// <inheritdoc />
    protected override Tensor[] CreateState(Tensor parameter) => [zeros_like(parameter)];

    /// <inheritdoc />
    protected override void Update(Tensor parameter, Tensor gradient, Tensor[] state, double learningRate)
    {
        Tensor velocity = state[0];
        velocity.mul_(Momentum).sub_(gradient * learningRate);
        parameter.add_(velocity);
    }

    /// <inheritdoc />
    public override void ResetMomentum()
    {
        foreach (var state in States)
            state[0].zero_();
    }
}
