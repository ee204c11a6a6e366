namespace Microsoft.ML.Inversion.Learned;

/// <summary>One training step's report.</summary>
/// <param name="Epoch">The epoch (0-based).</param>
/// <param name="Step">Optimisation steps taken in all, this one included (continues across resumes).</param>
/// <param name="Loss">This step's loss (weighted pixel plus feature loss, mean over the batch).</param>
/// <param name="PixelLoss">This step's pixel loss (mean squared error at 0–1).</param>
/// <param name="FeatureLoss">This step's feature loss (‖Φ(x̂) − Φ(x)‖² / ‖Φ(x)‖², mean over the batch).</param>
/// <param name="ImagesPerSecond">Training crops per second in this run so far.</param>
/// <param name="LearningRate">Adam's learning rate during the step.</param>
public sealed record DecoderTrainingProgress(int Epoch, int Step, double Loss, double PixelLoss, double FeatureLoss, double ImagesPerSecond, double LearningRate);
