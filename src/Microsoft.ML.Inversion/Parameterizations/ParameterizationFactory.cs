namespace Microsoft.ML.Inversion.Parameterizations;

/// <summary>A named way to create the parameterisation of one optimisation run (what settings hold).</summary>
/// <param name="Name">The name reports show (e.g. <c>pixels</c>, <c>fourier</c>).</param>
/// <param name="Create">Creates the parameters for a batch; the loop disposes what it returns.</param>
public sealed record ParameterizationFactory(string Name, Func<ParameterizationSetup, ImageParameterization> Create)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
