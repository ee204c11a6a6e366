using Microsoft.ML.Data;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Inversion.MLNet;

/// <summary>What the image steps (inversion, caricature, activation maximisation) share outside the cursor.</summary>
internal static class RowStepSchema
{
    /// <summary>The input schema plus an image column and the optional score and iteration columns.</summary>
    public static DataViewSchema WithOutputs(DataViewSchema inputSchema, string imageColumn, int height, int width, string? scoreColumn, string? iterationsColumn)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(imageColumn, new ImageDataViewType(height, width));
        if (scoreColumn is not null)
            builder.AddColumn(scoreColumn, NumberDataViewType.Single);
        if (iterationsColumn is not null)
            builder.AddColumn(iterationsColumn, NumberDataViewType.Int32);
        return builder.ToSchema();
    }

    /// <summary>
    /// The error for <c>MLContext.Model.Save</c> on a chain holding a step: ML.NET's public API gives a custom
    /// transformer no way to write its state into a model file.
    /// </summary>
    public static NotSupportedException ModelSaveNotSupported(string transformer, string outputColumn, string loadMethod) =>
        new($"{transformer} (output column '{outputColumn}') cannot be saved with MLContext.Model.Save: " +
            "ML.NET's public API does not let a custom transformer write its state into a model file. " +
            $"Save the steps before it with MLContext.Model.Save, save this step with transformer.SaveTo(path), and load it back with {loadMethod}.");

    /// <summary>Creates a backbone on the environment's device and hands it to <paramref name="create"/>, disposing it if that fails.</summary>
    public static T WithBackbone<T>(BackboneReference reference, IHostEnvironment environment, Func<Backbone, T> create)
    {
        Backbone backbone = reference.Create(ImageInversionTransformer.ChooseDevice(environment));
        try
        {
            return create(backbone);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }
}
