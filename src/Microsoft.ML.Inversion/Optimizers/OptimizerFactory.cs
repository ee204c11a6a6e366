namespace Microsoft.ML.Inversion.Optimizers;

/// <summary>A named way to create the update rule of one optimisation run (what settings hold).</summary>
/// <param name="Name">The name reports show (e.g. <c>Adam</c>, <c>MomentumRms 0.9</c>).</param>
/// <param name="Create">Creates a fresh optimiser; the loop disposes it.</param>
public sealed record OptimizerFactory(string Name, Func<InversionOptimizer> Create)
{
    /// <summary>The IJCV 2016 optimiser (<see cref="Optimizers.MomentumRms"/>).</summary>
    public static OptimizerFactory MomentumRms(double momentum = 0.9) => new($"MomentumRms {momentum:G3}", () => new Optimizers.MomentumRms(momentum));

    /// <summary>Gradient descent with momentum (<see cref="Optimizers.MomentumSgd"/>); 0 is plain gradient descent.</summary>
    public static OptimizerFactory MomentumSgd(double momentum = 0.9) => new($"MomentumSgd {momentum:G3}", () => new Optimizers.MomentumSgd(momentum));

    /// <summary>Adam with the usual constants (<see cref="Optimizers.Adam"/>).</summary>
    public static OptimizerFactory Adam { get; } = new("Adam", () => new Optimizers.Adam());

    /// <inheritdoc />
    public override string ToString() => Name;
}
