namespace Microsoft.ML.Inversion.Engine;

/// <summary>The update rules an inversion can use.</summary>
public enum OptimizerKind
{
    /// <summary>Momentum with a decayed sum of squared gradients (IJCV 2016).</summary>
    MomentumRms,

    /// <summary>Gradient descent with momentum (CVPR 2015); momentum 0 is plain gradient descent.</summary>
    MomentumSgd,

    /// <summary>Adam.</summary>
    Adam,
}
