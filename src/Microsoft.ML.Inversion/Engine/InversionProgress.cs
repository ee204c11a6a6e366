namespace Microsoft.ML.Inversion.Engine;

/// <summary>Where an inversion stands.</summary>
/// <param name="Iteration">Steps taken so far.</param>
/// <param name="Iterations">Steps in all.</param>
/// <param name="Loss">The mean energy over the batch at this step.</param>
/// <param name="Row">The first row of the batch, when the inversion runs inside an ML.NET transform; else 0.</param>
/// <param name="BatchSize">The number of images optimised together.</param>
public sealed record InversionProgress(int Iteration, int Iterations, double Loss, long Row = 0, int BatchSize = 1);
