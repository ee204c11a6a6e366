using Microsoft.ML.Inversion.Objectives;

namespace Microsoft.ML.Inversion.Regularizers;

/// <summary>
/// A weighted prior on the image that a preset adds to the task's data term (λ·R(x)). Settings hold a list of them;
/// a new regulariser is one record in this folder.
/// </summary>
/// <param name="Weight">λ, the prior's weight (0 leaves it out of the energy).</param>
public abstract record Regularizer(double Weight)
{
    /// <summary>The unweighted term R(x).</summary>
    public abstract Objective Term();

    /// <summary>A short description with the weight, for reports.</summary>
    public abstract string Describe();
}
