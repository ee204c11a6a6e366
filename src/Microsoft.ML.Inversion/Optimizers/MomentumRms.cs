using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Optimizers;

/// <summary>
/// The IJCV 2016 optimiser: momentum with a decayed sum of squared gradients,
/// G ← m·G + g²; v ← m·v − η·g / (ε + √G); p ← p + v. Steps are nearly independent of the gradient's scale.
/// </summary>
/// <param name="momentum">m (0.9 in the paper).</param>
/// <param name="epsilon">ε; the paper's 1/learning-rate, tiny in practice.</param>
public sealed class MomentumRms(double momentum, double epsilon = 1e-8) : InversionOptimizer
{
    /// <inheritdoc />
    protected override Tensor[] CreateState(Tensor parameter) => [zeros_like(parameter), zeros_like(parameter)];

    /// <inheritdoc />
    protected override void Update(Tensor parameter, Tensor gradient, Tensor[] state, double learningRate)
    {
        Tensor squares = state[0], velocity = state[1];
        squares.mul_(momentum).add_(gradient.square());
        velocity.mul_(momentum).sub_(gradient / (squares.sqrt() + epsilon) * learningRate);
        parameter.add_(velocity);
    }

    /// <inheritdoc />
    public override void ResetMomentum()
    {
        // As in the paper's code: the velocity is reset, the squared-gradient sum is kept.
        foreach (var state in States)
            state[1].zero_();
    }
}
