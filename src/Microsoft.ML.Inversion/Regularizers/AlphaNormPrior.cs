using Microsoft.ML.Inversion.Objectives;

namespace Microsoft.ML.Inversion.Regularizers;

/// <summary>The α-norm prior λα·‖x‖α^α (<see cref="Objective.AlphaNorm"/>).</summary>
/// <param name="Weight">λα.</param>
/// <param name="Alpha">α, the exponent of the pixel colour norm (6 in the papers).</param>
public sealed record AlphaNormPrior(double Weight, double Alpha = 6) : Regularizer(Weight)
{
    /// <inheritdoc />
    public override Objective Term() => Objective.AlphaNorm(Alpha);

    /// <inheritdoc />
    public override string Describe() => $"λα {Weight:G3} (α {Alpha:G3})";
}
