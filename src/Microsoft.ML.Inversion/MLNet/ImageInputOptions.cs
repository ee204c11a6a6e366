namespace Microsoft.ML.Inversion.MLNet;

/// <summary>Options of the steps that read an image per row (inversion, caricature): the column and what counts as a bad image.</summary>
public abstract class ImageInputOptions : RowStepOptions
{
    /// <summary>Defaults of the image steps.</summary>
    public static new class Defaults
    {
        /// <summary>Images smaller than this (either side) are bad rows: they carry too little to invert.</summary>
        public const int MinimumImageSize = 32;
    }

    /// <summary>The input column; default <see cref="RowStepOptions.OutputColumnName"/>.</summary>
    public string? InputColumnName;

    /// <summary>The width of the output images; default <see cref="RowStepOptions.ImageWidth"/>. Other sizes are resampled.</summary>
    public int? OutputWidth;

    /// <summary>The height of the output images; default <see cref="RowStepOptions.ImageHeight"/>.</summary>
    public int? OutputHeight;

    /// <summary>
    /// An optional text column holding each row's image file (the column <c>LoadImages</c> read): bad-row messages
    /// then name the file as well as the row.
    /// </summary>
    public string? PathColumnName;

    /// <summary>Whether grayscale images (all channels equal) are used as colour images instead of being bad rows.</summary>
    public bool AcceptGrayscale;

    /// <summary>Images smaller than this on either side are bad rows.</summary>
    public int MinimumImageSize = Defaults.MinimumImageSize;

    internal string InputColumn => InputColumnName ?? OutputColumnName;

    internal override IReadOnlyList<string> InputColumns => PathColumnName is { } path ? [InputColumn, path] : [InputColumn];

    internal override (int Height, int Width) OutputSize(int backboneHeight, int backboneWidth)
    {
        var (height, width) = base.OutputSize(backboneHeight, backboneWidth);
        return (OutputHeight ?? height, OutputWidth ?? width);
    }

    internal override void Validate()
    {
        base.Validate();
        RequireRange(OutputWidth, 1, RowStepOptions.Defaults.MaximumImageSide, nameof(OutputWidth));
        RequireRange(OutputHeight, 1, RowStepOptions.Defaults.MaximumImageSide, nameof(OutputHeight));
        RequireRange(MinimumImageSize, 1, RowStepOptions.Defaults.MaximumImageSide, nameof(MinimumImageSize));
    }
}
