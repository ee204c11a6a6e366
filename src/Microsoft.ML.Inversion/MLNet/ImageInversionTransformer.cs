using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// The fitted inversion step: for each row it reconstructs an image from a layer's representation of the input
/// column (an image, or a stored feature vector) and adds it as an <c>MLImage</c> column, with optional score
/// columns. Other columns pass through untouched. <see cref="Transform"/> returns at once; work happens in the
/// cursor, batched, only for rows read and only when the output column is asked for.
/// </summary>
/// <remarks>
/// The transformer owns its backbone: dispose it when done. <c>MLContext.Model.Save</c> cannot carry a custom
/// transformer's state through ML.NET's public API, so save this step with <see cref="SaveTo"/> and load it with
/// <see cref="Load"/>.
/// </remarks>
public sealed class ImageInversionTransformer : ITransformer, IDisposable, IRowStep
{
    private const string FormatName = "Microsoft.ML.Inversion.ImageInversionTransformer";
    private const int FormatVersion = 1;

    private readonly IHostEnvironment _environment;

    internal ImageInversionTransformer(IHostEnvironment environment, ImageInversionOptions options, Backbone backbone, InversionInputKind inputKind)
    {
        _environment = environment;
        Options = options.Clone();
        Backbone = backbone;
        InputKind = inputKind;
        Layer = backbone.ResolveLayer(options.Layer);
        Preset = InversionPreset.FromName(options.Preset);
        ImageHeight = options.ImageHeight ?? backbone.InputHeight;
        ImageWidth = options.ImageWidth ?? backbone.InputWidth;
        OutputHeight = options.OutputHeight ?? ImageHeight;
        OutputWidth = options.OutputWidth ?? ImageWidth;
        LayerShape = backbone.DescribeLayer(options.Layer, ImageHeight, ImageWidth).Shape;
        Processor = new InversionRowProcessor(this);
    }

    /// <summary>The output column's name.</summary>
    public string OutputColumnName => Options.OutputColumnName;

    /// <summary>The input column's name.</summary>
    public string InputColumnName => Options.InputColumn;

    /// <summary>The inverted layer's canonical name.</summary>
    public string Layer { get; }

    /// <summary>The recipe.</summary>
    public InversionPreset Preset { get; }

    /// <summary>The layer's output shape at the reconstruction size.</summary>
    public IReadOnlyList<long> LayerShape { get; }

    /// <summary>Whether the input column holds images or feature vectors.</summary>
    public bool InvertsFeatureVectors => InputKind == InversionInputKind.Features;

    internal ImageInversionOptions Options { get; }

    internal Backbone Backbone { get; }

    internal InversionInputKind InputKind { get; }

    internal InversionRowProcessor Processor { get; }

    IReadOnlyList<string> IRowStep.InputColumns => [Options.InputColumn];

    int IRowStep.BatchSize => Options.BatchSize;

    OutputColumns IRowStep.Outputs(DataViewSchema outputSchema, int inputColumnCount) =>
        new(outputSchema, inputColumnCount, Options.OutputColumnName, Options.FeatureErrorColumnName, Options.IterationsColumnName);

    Func<object?> IRowStep.CreateReader(DataViewRow row)
    {
        var column = row.Schema[Options.InputColumn];
        if (InputKind == InversionInputKind.Image)
        {
            var image = row.GetGetter<MLImage>(column);
            return () =>
            {
                MLImage value = null!;
                image(ref value);
                return value;
            };
        }
        var features = row.GetGetter<VBuffer<float>>(column);
        return () =>
        {
            VBuffer<float> value = default;
            features(ref value);
            return value;
        };
    }

    PreparedRow IRowStep.Prepare(long row, object? value) => Processor.Prepare(row, value);

    RowResult[] IRowStep.Run(IReadOnlyList<PreparedRow> rows) => Processor.Run(rows);

    internal int ImageHeight { get; }

    internal int ImageWidth { get; }

    internal int OutputHeight { get; }

    internal int OutputWidth { get; }

    /// <summary>Always true: each output row depends on its input row alone.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the reconstruction column and the optional score columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing.</exception>
    /// <exception cref="ArgumentException">The input column has the wrong type.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        var column = inputSchema.GetColumnOrNull(Options.InputColumn)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find input column '{Options.InputColumn}'.");
        InversionInputKind kind = KindOf(column.Type, Options.InputColumn, LayerShape, Options.Layer, ImageHeight, ImageWidth);
        if (Options.Task == ImageInversionTask.Caricature && kind != InversionInputKind.Image)
            throw new ArgumentException($"Schema mismatch for input column '{Options.InputColumn}': a caricature starts from the image, so the column must hold images (MLImage); got {column.Type}.", nameof(inputSchema));
        if (kind != InputKind)
            throw new ArgumentException($"Schema mismatch for input column '{Options.InputColumn}': the transformer was fitted on {Describe(InputKind)}, got {column.Type}.", nameof(inputSchema));
        return RowStepSchema.WithOutputs(inputSchema, Options.OutputColumnName, OutputHeight, OutputWidth, Options.FeatureErrorColumnName, Options.IterationsColumnName);
    }

    /// <summary>Returns a lazy view: nothing is optimised until a cursor reads the output column.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new InversionDataView(this, input);
    }

    /// <summary>A row-to-row mapper (used by prediction engines); it inverts one row at a time.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new InversionRowMapper(this, inputSchema);

    /// <summary>
    /// Not supported: ML.NET's public API cannot carry this transformer's state into <c>MLContext.Model.Save</c>.
    /// The exception says to use <see cref="SaveTo"/> and <see cref="Load"/> instead.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw RowStepSchema.ModelSaveNotSupported(nameof(ImageInversionTransformer), OutputColumnName,
        $"{nameof(ImageInversionTransformer)}.{nameof(Load)}(mlContext, path) (or mlContext.Transforms.LoadImageInversion(path))");

    /// <summary>
    /// Saves the step (its options and a reference to its backbone) to a JSON file. The backbone's weights are not
    /// copied: the built-in ResNet18 comes from its package, an ONNX or weights file is referenced by path.
    /// </summary>
    public void SaveTo(string path) => SavedStep.Write(path, FormatName, FormatVersion, InputKind.ToString(), Options);

    /// <summary>Loads a step saved with <see cref="SaveTo"/>; it behaves exactly like the saved one for the same seed.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a saved inversion step.</exception>
    public static ImageInversionTransformer Load(IHostEnvironment environment, string path)
    {
        var (options, inputKind) = SavedStep.Read<ImageInversionOptions>(path, FormatName, FormatVersion, "inversion step");
        var kind = Enum.Parse<InversionInputKind>(inputKind ?? nameof(InversionInputKind.Image));
        return RowStepSchema.WithBackbone(options.Backbone, environment, backbone => new ImageInversionTransformer(environment, options, backbone, kind));
    }

    /// <summary>Releases the backbone.</summary>
    public void Dispose() => Backbone.Dispose();

    internal InversionOptions CreateEngineOptions(IProgress<InversionProgress>? progress) =>
        new()
        {
            Preset = Preset,
            Iterations = Options.Iterations,
            Seed = Options.Seed,
            Progress = progress,
        };

    internal void Log(string message)
    {
        using IChannel channel = _environment.Start("ImageInversion");
        channel.Info(MessageSensitivity.None, message);
    }

    /// <summary>
    /// The device to run on, as ML.NET's own TorchSharp transforms choose it: CUDA device
    /// <c>MLContext.GpuDeviceId</c> when set and available, else the CPU if <c>FallbackToCpu</c>, else an error.
    /// </summary>
    internal static Device ChooseDevice(IHostEnvironment environment)
    {
        var (gpuDeviceId, fallbackToCpu) = DeviceSettings(environment);
        if (gpuDeviceId is not { } id)
            return CPU;
        if (cuda.is_available())
            return device(DeviceType.CUDA, id);
        if (fallbackToCpu)
            return CPU;
        throw new InvalidOperationException($"MLContext.GpuDeviceId is {id} but CUDA is not available to TorchSharp. " +
            "Add a CUDA libtorch package, or set MLContext.FallbackToCpu = true to run on the CPU.");
    }

    // MLContext exposes GpuDeviceId and FallbackToCpu; the environment a catalog holds has the same properties
    // behind an internal interface, so they are read by name.
    private static (int? GpuDeviceId, bool FallbackToCpu) DeviceSettings(IHostEnvironment environment)
    {
        if (environment is MLContext context)
            return (context.GpuDeviceId, context.FallbackToCpu);
        var type = environment.GetType();
        const System.Reflection.BindingFlags flags = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;
        var gpu = type.GetProperty("GpuDeviceId", flags)?.GetValue(environment) as int?;
        var fallback = type.GetProperty("FallbackToCpu", flags)?.GetValue(environment) as bool? ?? false;
        return (gpu, fallback);
    }

    /// <summary>What an input column of type <paramref name="type"/> holds, or an ML.NET-style schema-mismatch error.</summary>
    internal static InversionInputKind KindOf(DataViewType type, string column, IReadOnlyList<long> layerShape, string layer, int height, int width)
    {
        long length = layerShape.Aggregate(1L, (p, d) => p * d);
        if (type is ImageDataViewType)
            return InversionInputKind.Image;
        if (type is VectorDataViewType { ItemType: var item, Size: var size } && item == NumberDataViewType.Single && size == length)
            return InversionInputKind.Features;
        throw new ArgumentException($"Schema mismatch for input column '{column}': expected an image (MLImage) or a vector of {length} Single values " +
            $"(layer '{layer}', shape [{string.Join(", ", layerShape)}] at {width}×{height}), got {type}.", nameof(type));
    }

    private static string Describe(InversionInputKind kind) => kind == InversionInputKind.Image ? "images" : "feature vectors";
}
