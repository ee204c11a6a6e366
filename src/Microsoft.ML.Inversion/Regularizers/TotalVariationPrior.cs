using Microsoft.ML.Inversion.Objectives;

namespace Microsoft.ML.Inversion.Regularizers;

/// <summary>
/// The total-variation prior λTV·TV^β (<see cref="Objective.TotalVariation"/>, or
/// <see cref="Objective.AnisotropicTotalVariation"/> when <paramref name="Anisotropic"/>).
/// </summary>
/// <param name="Weight">λTV.</param>
/// <param name="Beta">β, the exponent (2 smooth, 1 edge-preserving).</param>
/// <param name="Anisotropic">Whether to use the anisotropic form |∂u y|^β + |∂v y|^β.</param>
public sealed record TotalVariationPrior(double Weight, double Beta = 2, bool Anisotropic = false) : Regularizer(Weight)
{
    /// <inheritdoc />
    public override Objective Term() => Anisotropic ? Objective.AnisotropicTotalVariation(Beta) : Objective.TotalVariation(Beta);

    /// <inheritdoc />
    public override string Describe() => $"λTV {Weight:G3} (β {Beta:G3}{(Anisotropic ? ", anisotropic" : "")})";
}
