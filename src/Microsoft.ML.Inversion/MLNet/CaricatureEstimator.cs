using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Caricatures (Mahendran &amp; Vedaldi, IJCV 2016) as a pipeline step: starting from each row's image, what a layer
/// sees in it is amplified by maximising ⟨Φ(x), Φ0⟩/‖Φ0‖² under the regularisers.
/// </summary>
/// <remarks>
/// <format type="text/markdown"><![CDATA[
/// ### Estimator characteristics
/// |  |  |
/// | -- | -- |
/// | Does this estimator need to look at the data to train its parameters? | No |
/// | Input column data type | `MLImage` |
/// | Output column data type | `MLImage` (RGB) of the output size; optional `Single` amplification and `Int32` iteration columns |
/// | Exportable to ONNX | No |
///
/// Fitting loads the backbone once; the transformer owns it and must be disposed. Row r starts from seed
/// `Seed + r`, so results do not depend on batching.
/// ]]></format>
/// </remarks>
public sealed class CaricatureEstimator : RowStepEstimator<CaricatureOptions, CaricatureTransformer>
{
    /// <summary>Creates the estimator; prefer <c>mlContext.Transforms.CaricatureImages(...)</c>.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public CaricatureEstimator(IHostEnvironment environment, CaricatureOptions options)
        : base(environment, options)
    {
    }

    private protected override void CheckInputShape(SchemaShape inputSchema)
    {
        var column = SchemaErrors.Find(inputSchema, Options.InputColumn);
        if (!ImageRows.IsImage(column))
            throw SchemaErrors.Mismatch(Options.InputColumn, "an image (MLImage): a caricature starts from the image", SchemaErrors.Describe(column));
    }

    private protected override CaricatureTransformer Create(Backbone backbone, IDataView input) =>
        new(Environment, Options, backbone);
}
