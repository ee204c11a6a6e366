using Microsoft.ML.Inversion.Objectives;

namespace Microsoft.ML.Inversion.Regularizers;

/// <summary>
/// A floor under the image's contrast, λ·max(0, <paramref name="Floor"/> − ρ(x))² with ρ the RMS colour norm about the
/// image's mean colour (<see cref="Objective.ContrastShortfall"/>). Photographs have contrast; deep layers hardly
/// constrain it, and the other priors, which all prefer flat images, then fade reconstructions towards grey. The floor
/// costs nothing above it, so it decides nothing about where the contrast goes: the data term does.
/// </summary>
/// <param name="Weight">λ.</param>
/// <param name="Floor">The smallest contrast that costs nothing, in units of the pixel scale B (a photograph is about 1).</param>
public sealed record ContrastFloorPrior(double Weight, double Floor = 0.8) : Regularizer(Weight)
{
    /// <inheritdoc />
    public override Objective Term() => Objective.ContrastShortfall(Floor);

    /// <inheritdoc />
    public override string Describe() => $"contrast floor {Floor:G2} (λ {Weight:G3})";
}
