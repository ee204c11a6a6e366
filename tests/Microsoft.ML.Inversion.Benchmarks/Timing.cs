using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.MLNet;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>The measurements, each returning seconds (or bytes).</summary>
internal static class Timing
{
    /// <summary>1024×1024 single-precision matrix products per second, in GFLOP/s (best of the repeats).</summary>
    public static double GemmGflops(int repeats)
    {
        using var scope = NewDisposeScope();
        var a = randn(1024, 1024);
        var b = randn(1024, 1024);
        mm(a, b).Dispose();
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            using var c = mm(a, b);
            c.sum().item<float>();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
    }

    /// <summary>Median seconds of TorchSharp running the truncated network forward and backward to its input (one batch).</summary>
    public static double BareForwardBackward(Backbone backbone, string layer, int warmup, int measured, int batch = 1, ExecutionSettings? execution = null)
    {
        using var outer = NewDisposeScope();
        var x = randn(batch, 3, 224, 224).requires_grad_(true);
        return MedianSeconds(warmup, measured, () =>
        {
            backbone.Forward(x, layer, execution).sum().backward();
            x.grad!.zero_();
        });
    }

    /// <summary>Median seconds of <paramref name="action"/> over <paramref name="measured"/> runs after <paramref name="warmup"/>, each in its own dispose scope.</summary>
    public static double MedianSeconds(int warmup, int measured, Action action)
    {
        var times = new List<double>();
        for (int i = 0; i < warmup + measured; i++)
        {
            var watch = Stopwatch.StartNew();
            using (NewDisposeScope())
                action();
            if (i >= warmup)
                times.Add(watch.Elapsed.TotalSeconds);
        }
        return Median(times);
    }

    /// <summary>Median seconds of one optimisation step of the default preset (from the engine's progress reports).</summary>
    public static double OurStep(Backbone backbone, string layer, Tensor images, int batch, int warmup, int measured, InversionPreset? preset = null,
        Func<LayerSettings, LayerSettings>? customize = null, ExecutionSettings? execution = null)
    {
        var stamps = new List<double>();
        var watch = Stopwatch.StartNew();
        var options = new InversionOptions
        {
            Preset = preset ?? InversionPreset.Default,
            Iterations = warmup + measured + 1,
            ProgressInterval = 1,
            Progress = new Recorder(_ => stamps.Add(watch.Elapsed.TotalSeconds)),
            Customize = customize,
            Execution = execution,
        };
        using var result = new FeatureInverter(backbone, layer, options).InvertImages(images);
        var steps = stamps.Zip(stamps.Skip(1), (a, b) => b - a).Skip(warmup).Take(measured).ToList();
        return Median(steps);
    }

    /// <summary>RSS and managed memory while streaming rows through the ML.NET transform (conv1, 1 step, 64×64).</summary>
    public static (int Rows, long PeakRss, long RssGrowth, long ManagedGrowth) StreamMemory(int rows)
    {
        var context = new MLContext();
        using var scope = NewDisposeScope();
        var photo = ImageTensors.ToMLImage(rand(3, 64, 64) * 255);
        IDataView data = context.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(_ => new Row { Image = photo }));
        using var transformer = context.Transforms.InvertImageRepresentation(new ImageInversionOptions
        {
            OutputColumnName = "Reconstruction",
            InputColumnName = "Image",
            Layer = "conv1",
            Iterations = 1,
            ImageWidth = 64,
            ImageHeight = 64,
        }).Fit(data);
        IDataView output = transformer.Transform(data);
        long rssAt20 = 0, managedAt20 = 0, rssEnd = 0, managedEnd = 0, peak = 0;
        using (var cursor = output.GetRowCursor(output.Schema))
        {
            var getter = cursor.GetGetter<MLImage>(output.Schema["Reconstruction"]);
            MLImage image = null!;
            while (cursor.MoveNext())
            {
                getter(ref image);
                if (cursor.Position == 19 || cursor.Position == rows - 1)
                {
                    var (rss, managed) = Measure();
                    peak = Math.Max(peak, rss);
                    if (cursor.Position == 19) (rssAt20, managedAt20) = (rss, managed);
                    else (rssEnd, managedEnd) = (rss, managed);
                }
            }
        }
        peak = Math.Max(peak, PeakRss());
        return (rows, peak, rssEnd - rssAt20, managedEnd - managedAt20);
    }

    /// <summary>Seconds to the first output row through the transform (batch size 1) and for the same inversion alone.</summary>
    public static (double Transform, double Alone) FirstRow(Backbone backbone, Tensor photo, int iterations)
    {
        var context = new MLContext();
        var image = ImageTensors.ToMLImage(photo);
        IDataView data = context.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(_ => new Row224 { Image = image }));
        using var transformer = context.Transforms.InvertImageRepresentation(new ImageInversionOptions
        {
            OutputColumnName = "Reconstruction",
            InputColumnName = "Image",
            Layer = "stage2",
            Iterations = iterations,
            BatchSize = 1,
        }).Fit(data);
        var watch = Stopwatch.StartNew();
        IDataView output = transformer.Transform(data);
        using (var cursor = output.GetRowCursor(output.Schema))
        {
            var getter = cursor.GetGetter<MLImage>(output.Schema["Reconstruction"]);
            MLImage result = null!;
            cursor.MoveNext();
            getter(ref result);
        }
        double throughTransform = watch.Elapsed.TotalSeconds;
        watch.Restart();
        using var alone = new FeatureInverter(backbone, "stage2", new InversionOptions { Iterations = iterations }).InvertImages(photo);
        return (throughTransform, watch.Elapsed.TotalSeconds);
    }

    private static (long Rss, long Managed) Measure()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetTotalMemory(true));
    }

    private static long PeakRss()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    /// <summary>Runs the measurements in turn, <paramref name="rounds"/> times, and returns each one's median.</summary>
    /// <summary>Runs the measurements in turn, <paramref name="rounds"/> times, and returns each one's median.</summary>
    public static double[] Interleaved(int rounds, params Func<double>[] measurements)
    {
        var results = measurements.Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < rounds; i++)
            for (int m = 0; m < measurements.Length; m++)
                results[m].Add(measurements[m]());
        return results.Select(Median).ToArray();
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values[values.Count / 2];
    }

    private sealed class Recorder(Action<InversionProgress> report) : IProgress<InversionProgress>
    {
        public void Report(InversionProgress value) => report(value);
    }

    private sealed class Row
    {
        [ImageType(64, 64)]
        public MLImage? Image { get; set; }
    }

    private sealed class Row224
    {
        [ImageType(224, 224)]
        public MLImage? Image { get; set; }
    }
}
