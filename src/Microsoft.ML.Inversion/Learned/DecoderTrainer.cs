using System.Diagnostics;
using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>
/// Trains a <see cref="LearnedDecoder"/> for a backbone's layer (Dosovitskiy &amp; Brox 2016): mini-batches of
/// random crops, the layer's features of each crop (frozen backbone) as input, a pixel loss plus a feature loss
/// through the same layer, Adam with a cosine learning-rate schedule, and checkpoints from which a run resumes
/// exactly where it stopped.
/// </summary>
/// <param name="backbone">The frozen network.</param>
/// <param name="layer">The layer to invert.</param>
/// <param name="options">How to train; default <see cref="DecoderTrainingOptions"/>'s defaults.</param>
public sealed class DecoderTrainer(Backbone backbone, string layer, DecoderTrainingOptions? options = null)
{
    private readonly Backbone _backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
    private readonly string _layer = layer ?? throw new ArgumentNullException(nameof(layer));

    /// <summary>How training runs.</summary>
    public DecoderTrainingOptions Options { get; } = options ?? new DecoderTrainingOptions();

    /// <summary>Receives a report after every step.</summary>
    public IProgress<DecoderTrainingProgress>? Progress { get; init; }

    /// <summary>
    /// Trains the decoder. <paramref name="images"/> is called once per epoch and streams RGB 0–255 images
    /// [1, 3, H, W] or [3, H, W] of any size; the trainer disposes each after cropping it.
    /// </summary>
    /// <param name="images">A fresh pass over the training images.</param>
    /// <param name="resumeFrom">A checkpoint written by an earlier run with the same options: training continues from its step.</param>
    /// <param name="cancellationToken">Stops between steps with <see cref="OperationCanceledException"/> (after writing a checkpoint when one is configured).</param>
    /// <returns>The trained decoder (the caller disposes it).</returns>
    /// <exception cref="InvalidOperationException">A pass yielded no images.</exception>
    public LearnedDecoder Train(Func<IEnumerable<Tensor>> images, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        Options.Validate();
        TrainingPosition position;
        LearnedDecoder decoder;
        if (resumeFrom is null)
        {
            decoder = LearnedDecoder.Create(_backbone, _layer, Options.CropSize, Options.Seed);
            position = new TrainingPosition(0, 0, 0, Options.Epochs);
        }
        else
        {
            var file = DecoderFile.Read(resumeFrom);
            decoder = LearnedDecoder.Load(file, resumeFrom, _backbone.Device);
            position = file.Training ?? throw new InvalidDataException($"'{resumeFrom}' is a saved decoder, not a training checkpoint.");
        }
        try
        {
            decoder.CheckFits(_backbone, _layer);
            using var adam = optim.Adam(decoder.Module.parameters(), Options.LearningRate);
            if (resumeFrom is not null && File.Exists(DecoderFile.OptimizerPath(resumeFrom)))
                adam.load_state_dict(DecoderFile.OptimizerPath(resumeFrom));
            new Run(this, decoder, adam, position).Epochs(images, cancellationToken);
            decoder.Module.eval();
            return decoder;
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>One call of <see cref="Train"/>: the loop, its position and its clock.</summary>
    private sealed class Run(DecoderTrainer trainer, LearnedDecoder decoder, TorchSharp.Modules.Adam adam, TrainingPosition start)
    {
        private readonly DecoderTrainingOptions _options = trainer.Options;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _epoch = start.Epoch, _stepInEpoch, _step = start.Step;
        private long _crops;

        public void Epochs(Func<IEnumerable<Tensor>> images, CancellationToken cancellationToken)
        {
            try
            {
                for (; _epoch < _options.Epochs; _epoch++)
                {
                    int skip = _epoch == start.Epoch ? start.StepInEpoch : 0;
                    _stepInEpoch = 0;
                    if (!Epoch(images(), skip, cancellationToken))
                        break;
                    Checkpoint(_epoch + 1, 0);
                }
                if (_epoch >= _options.Epochs)
                    Checkpoint(_options.Epochs, 0);
            }
            catch (OperationCanceledException)
            {
                Checkpoint(_epoch, _stepInEpoch);
                throw;
            }
        }

        // One pass; false when a step or time limit stopped training (a checkpoint is then written at the position).
        private bool Epoch(IEnumerable<Tensor> images, int skip, CancellationToken cancellationToken)
        {
            double rate = _options.LearningRateAt(_epoch);
            foreach (var group in adam.ParamGroups)
                group.LearningRate = rate;
            // Crops of epoch e depend only on the seed and e, so skipping the steps a resumed run already took
            // brings it back to exactly the same batches.
            var random = new Random(unchecked((int)(_options.Seed * 1_000_003 + _epoch)));
            var crops = new RandomCrops(_options, random);
            var pool = new List<Tensor>();
            int seen = 0;
            try
            {
                foreach (Tensor image in images)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    seen++;
                    using (image)
                        for (int k = 0; k < _options.CropsPerImage; k++)
                            pool.Add(crops.Take(image));
                    // A pool of two batches mixes crops of neighbouring images.
                    while (pool.Count >= 2 * _options.BatchSize)
                        if (!Batch(pool, random, ref skip, rate, cancellationToken))
                            return false;
                }
                if (seen == 0)
                    throw new InvalidOperationException("The training data holds no usable images.");
                while (pool.Count > 0)
                    if (!Batch(pool, random, ref skip, rate, cancellationToken))
                        return false;
                return true;
            }
            finally
            {
                foreach (var crop in pool)
                    crop.Dispose();
            }
        }

        private bool Batch(List<Tensor> pool, Random random, ref int skip, double rate, CancellationToken cancellationToken)
        {
            var batch = new List<Tensor>();
            for (int k = 0; k < _options.BatchSize && pool.Count > 0; k++)
            {
                int pick = random.Next(pool.Count);
                batch.Add(pool[pick]);
                pool.RemoveAt(pick);
            }
            try
            {
                if (skip > 0)
                {
                    skip--;
                    _stepInEpoch++;
                    return true;
                }
                cancellationToken.ThrowIfCancellationRequested();
                Step(batch, rate);
                bool stop = (_options.MaximumSteps is { } most && _step >= most) || (_options.TimeLimit is { } limit && _clock.Elapsed >= limit);
                if (stop)
                    Checkpoint(_epoch, _stepInEpoch);
                return !stop;
            }
            finally
            {
                foreach (var crop in batch)
                    crop.Dispose();
            }
        }

        private void Step(List<Tensor> crops, double rate)
        {
            using var scope = NewDisposeScope();
            Backbone backbone = trainer._backbone;
            Tensor images = stack(crops.ToArray()).to(backbone.Device);
            Tensor target;
            using (no_grad())
                target = backbone.Featurize(images, trainer._layer);
            decoder.Module.train();
            Tensor reconstruction = decoder.Module.forward(target);
            Tensor pixel = nn.functional.mse_loss(reconstruction / 255, images / 255);
            Tensor feature = zeros(1, device: backbone.Device);
            if (_options.FeatureWeight > 0)
            {
                long[] dims = Enumerable.Range(1, (int)target.dim() - 1).Select(d => (long)d).ToArray();
                Tensor features = backbone.Featurize(reconstruction, trainer._layer);
                feature = ((features - target).square().sum(dims) / target.square().sum(dims).clamp_min(1e-12)).mean();
            }
            Tensor loss = _options.PixelWeight * pixel + _options.FeatureWeight * feature;
            adam.zero_grad();
            loss.backward();
            adam.step();
            _step++;
            _stepInEpoch++;
            _crops += crops.Count;
            trainer.Progress?.Report(new DecoderTrainingProgress(_epoch, _step, loss.item<float>(), pixel.item<float>(), feature.item<float>(),
                _crops / Math.Max(1e-9, _clock.Elapsed.TotalSeconds), rate));
        }

        private void Checkpoint(int epoch, int stepInEpoch)
        {
            if (_options.CheckpointPath is not { } path)
                return;
            decoder.Save(path, new TrainingPosition(epoch, stepInEpoch, _step, _options.Epochs));
            adam.save_state_dict(DecoderFile.OptimizerPath(path));
        }
    }
}
