using Microsoft.ML.Inversion.Objectives;

namespace Microsoft.ML.Inversion.Regularizers;

/// <summary>
/// The total-variation prior λTV·TV^β (<see cref="Objective.TotalVariation"/>, or
/// <see cref="Objective.AnisotropicTotalVariation"/> when <paramref name="Anisotropic"/>).
/// </summary>
/// <param name="Weight">λTV.</param>
/// <param name="Beta">β, the exponent (2 smooth, 1 edge-preserving).</param>
/// <param name="Anisotropic">Whether to use the anisotropic form |∂u y|^β + |∂v y|^β.</param>
/// <param name="Guide">When set, λTV varies over the image as the target representation says where it is flat
/// (<see cref="TotalVariationGuide"/>); isotropic form only.</param>
public sealed record TotalVariationPrior(double Weight, double Beta = 2, bool Anisotropic = false, TotalVariationGuide? Guide = null) : Regularizer(Weight)
{
    /// <inheritdoc />
    public override Objective Term() => Anisotropic ? Objective.AnisotropicTotalVariation(Beta) : Objective.TotalVariation(Beta, Guide);

    /// <inheritdoc />
    public override string Describe() => $"λTV {Weight:G3} (β {Beta:G3}{(Anisotropic ? ", anisotropic" : "")}{(Guide is null ? "" : ", " + Guide.Describe())})";
}
