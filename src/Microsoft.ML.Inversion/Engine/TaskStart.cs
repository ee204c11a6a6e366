using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>How a task starts: its energy, its target representation and its start images.</summary>
/// <param name="Objective">The energy to minimise (usually <see cref="LayerSettings.Energy"/> around the task's data term).</param>
/// <param name="Target">Φ0 [N, ...] in the layer's shape, when the objective or the score uses one.</param>
/// <param name="StartImages">Start images as network input [N, 3, H, W]; null for noise.</param>
public sealed record TaskStart(Objective Objective, Tensor? Target = null, Tensor? StartImages = null);
