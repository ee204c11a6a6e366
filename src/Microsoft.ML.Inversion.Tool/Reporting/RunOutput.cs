using System.Text.Json;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Reporting;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tool.Reporting;

/// <summary>What a run writes to its output folder: one PNG per image, the contact sheet, summary.json and report.html.</summary>
internal sealed class RunOutput : IDisposable
{
    private readonly List<LayerRun> _runs = [];
    private readonly List<(string Title, List<ContactSheetTile> Tiles)> _rows = [];
    private readonly List<Tensor> _images = [];

    public RunOutput(string folder)
    {
        Folder = folder;
        Directory.CreateDirectory(folder);
    }

    public string Folder { get; }

    public IReadOnlyList<LayerRun> Runs => _runs;

    /// <summary>Saves an image under <paramref name="fileName"/> and keeps a copy for the contact sheet.</summary>
    public void Save(Tensor rgb255, string fileName, string sheetRow, string caption)
    {
        Tensor copy = rgb255.detach().clone().DetachFromDisposeScope();
        _images.Add(copy);
        ImageTensors.Save(copy, Path.Combine(Folder, fileName));
        var row = _rows.FirstOrDefault(r => r.Title == sheetRow);
        if (row.Tiles is null)
        {
            row = (sheetRow, []);
            _rows.Add(row);
        }
        row.Tiles.Add(new ContactSheetTile(caption, copy));
    }

    public void Add(LayerRun run) => _runs.Add(run);

    /// <summary>Writes contact-sheet.png, summary.json and report.html.</summary>
    public void Finish(string title, string? originalFile)
    {
        ContactSheet.Save(Path.Combine(Folder, "contact-sheet.png"), _rows.Select(r => (r.Title, (IReadOnlyList<ContactSheetTile>)r.Tiles)).ToList());
        File.WriteAllText(Path.Combine(Folder, "summary.json"), JsonSerializer.Serialize(_runs, new JsonSerializerOptions { WriteIndented = true }));
        HtmlReport.Write(Path.Combine(Folder, "report.html"), title, originalFile, _runs, "contact-sheet.png");
    }

    /// <summary>A name safe for a file, from a layer or node name.</summary>
    public static string FileName(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    public void Dispose()
    {
        foreach (var image in _images)
            image.Dispose();
        _images.Clear();
    }
}
