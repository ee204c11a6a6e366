using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Objectives;

/// <summary>
/// A term of the energy the optimiser minimises: a function of the step's <see cref="ObjectiveContext"/> that
/// returns one value per image, [N]. Objectives compose with <c>+</c>, <c>-</c> and scalar <c>*</c>, and carry a
/// readable description, so a user can write their own weighted sum
/// (<c>Objective.FeatureReconstruction() * 100 + Objective.TotalVariation(2) * 0.5</c>).
/// </summary>
public sealed partial class Objective
{
    private readonly Func<ObjectiveContext, Tensor> _evaluate;

    /// <summary>Creates an objective from a function returning one value per image and a description.</summary>
    public Objective(Func<ObjectiveContext, Tensor> evaluate, string description)
    {
        _evaluate = evaluate;
        Description = description;
    }

    /// <summary>A readable formula, e.g. <c>100·data + 0.5·TV²</c>.</summary>
    public string Description { get; }

    /// <summary>The per-image values [N] for one step.</summary>
    public Tensor Evaluate(ObjectiveContext context) => _evaluate(context);

    /// <summary>The sum of two objectives.</summary>
    public static Objective operator +(Objective a, Objective b) =>
        new(c => a.Evaluate(c) + b.Evaluate(c), $"{a.Description} + {b.Description}");

    /// <summary>The difference of two objectives.</summary>
    public static Objective operator -(Objective a, Objective b) =>
        new(c => a.Evaluate(c) - b.Evaluate(c), $"{a.Description} - ({b.Description})");

    /// <summary>The negation of an objective (maximise instead of minimise).</summary>
    public static Objective operator -(Objective a) => new(c => -a.Evaluate(c), $"-({a.Description})");

    /// <summary>An objective scaled by a constant.</summary>
    public static Objective operator *(double weight, Objective a) =>
        new(c => a.Evaluate(c) * weight, $"{weight:G4}·{Wrap(a.Description)}");

    /// <summary>An objective scaled by a constant.</summary>
    public static Objective operator *(Objective a, double weight) => weight * a;

    /// <summary>The sum of several objectives.</summary>
    public static Objective Sum(IEnumerable<Objective> objectives)
    {
        var list = objectives.ToArray();
        if (list.Length == 0)
            throw new ArgumentException("Sum needs at least one objective.", nameof(objectives));
        return list.Skip(1).Aggregate(list[0], (total, next) => total + next);
    }

    /// <inheritdoc />
    public override string ToString() => Description;

    private static string Wrap(string description) => description.Contains(' ') ? $"({description})" : description;
}
