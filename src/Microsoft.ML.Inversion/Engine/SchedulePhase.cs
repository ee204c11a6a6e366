namespace Microsoft.ML.Inversion.Engine;

/// <summary>One phase of an optimisation schedule.</summary>
/// <param name="Iterations">How many steps the phase takes.</param>
/// <param name="RateMultiplier">The phase's learning rate as a multiple of the base rate.</param>
/// <param name="Jitter">Whether the random transforms are on during the phase.</param>
public sealed record SchedulePhase(int Iterations, double RateMultiplier, bool Jitter = true);
