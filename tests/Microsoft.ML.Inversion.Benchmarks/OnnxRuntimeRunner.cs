using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>
/// ONNX Runtime on one file, set up the way the network benchmark compares against: <see cref="Threads"/> intra-op
/// threads, one inter-op thread, sequential execution, every graph optimisation on (ONNX Runtime's default).
/// </summary>
internal sealed class OnnxRuntimeRunner : IDisposable
{
    /// <summary>Intra-op threads of ONNX Runtime, the same number libtorch gets.</summary>
    public const int Threads = 2;

    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;

    /// <summary>Opens <paramref name="path"/>, whose data input is <paramref name="inputName"/>.</summary>
    public OnnxRuntimeRunner(string path, string inputName)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            _session = new InferenceSession(path, _options);
        }
        catch
        {
            _options.Dispose();
            _runOptions.Dispose();
            throw;
        }
        _inputNames = [inputName];
    }

    /// <summary>The version of the ONNX Runtime library in use.</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>Runs the graph on <paramref name="input"/> (NCHW, row-major) and returns <paramref name="outputName"/>'s values.</summary>
    public float[] Run(float[] input, long[] shape, string outputName)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var results = _session.Run(_runOptions, _inputNames, [value], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Runs the graph on a prepared input and drops the result: what the speed comparison times.</summary>
    public void RunDiscarding(OrtValue input, string outputName)
    {
        using var results = _session.Run(_runOptions, _inputNames, [input], [outputName]);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
    }
}
