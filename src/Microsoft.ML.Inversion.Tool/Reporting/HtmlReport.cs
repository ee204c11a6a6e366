using System.Globalization;
using System.Net;
using System.Text;

namespace Microsoft.ML.Inversion.Tool.Reporting;

/// <summary>
/// One self-contained page: per layer the reconstruction beside the original, its measures, the energy curve over
/// the steps and the time it took. Images mark themselves loaded (<c>data-loaded</c>), so a headless browser's DOM
/// dump shows whether every one rendered.
/// </summary>
internal static class HtmlReport
{
    public static void Write(string path, string title, string? original, IReadOnlyList<LayerRun> runs, string contactSheet)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Inversion.ML report</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:6px 10px;text-align:right;vertical-align:middle;border-bottom:1px solid #eee}" +
                        "th{background:#f0f0f0}td.name{text-align:left;font-weight:bold}img.tile{width:150px}img.sheet{max-width:100%}dl{display:grid;grid-template-columns:auto auto;gap:2px 8px;margin:0;text-align:left}dt{color:#666}dd{margin:0}</style></head><body>");
        html.AppendLine($"<h1>{WebUtility.HtmlEncode(title)}</h1>");
        html.AppendLine("<p>featureError = ‖Φ(x)−Φ0‖/‖Φ0‖; ncc = correlation with the original's luminance; roughness and contrast are the " +
                        "reconstruction's neighbour differences and luminance spread relative to the original's (1 is the original). The curve is the energy at every step.</p>");
        html.AppendLine($"<p>{Image(contactSheet, "contact sheet", "sheet")}</p>");
        html.AppendLine("<table><tr><th>layer</th><th>method</th>" + (original is null ? "" : "<th>original</th>") + "<th>image</th><th>measures</th><th>energy</th><th>seconds</th></tr>");
        foreach (var run in runs)
        {
            html.Append($"<tr><td class=\"name\">{WebUtility.HtmlEncode(run.Layer)}{(run.Channel is { } c ? $" ch {c}" : "")}</td><td>{WebUtility.HtmlEncode(run.Method)}</td>");
            if (original is not null)
                html.Append($"<td>{Image(original, "original", "tile")}</td>");
            html.Append($"<td>{Image(run.Image, $"{run.Layer} {run.Method}", "tile")}</td><td>{Measures(run)}</td>");
            html.Append($"<td>{EnergyCurve.Svg(run.LossCurve, $"energy of {run.Layer} {run.Method}")}</td>");
            html.AppendLine(string.Create(CultureInfo.InvariantCulture, $"<td>{run.Seconds:F1}</td></tr>"));
        }
        html.AppendLine("</table><p><small>Settings per layer are in summary.json.</small></p></body></html>");
        File.WriteAllText(path, html.ToString());
    }

    private static string Image(string file, string alt, string cssClass) =>
        $"<img class=\"{cssClass}\" src=\"{WebUtility.HtmlEncode(file)}\" alt=\"{WebUtility.HtmlEncode(alt)}\" " +
        "onload=\"this.dataset.loaded='true'\" onerror=\"this.dataset.loaded='false'\">";

    private static string Measures(LayerRun run)
    {
        var items = new List<(string, string)> { (run.ScoreName, Format(run.Score, "F3")) };
        if (run.Ncc is { } ncc)
            items.Add(("ncc", Format(ncc, "F3")));
        items.Add(("roughness", Format(run.Roughness, "F2")));
        items.Add(("contrast", Format(run.Contrast, "F2")));
        if (run.Psnr is { } psnr)
            items.Add(("PSNR", Format(psnr, "F1") + " dB"));
        if (run.Ssim is { } ssim)
            items.Add(("SSIM", Format(ssim, "F3")));
        items.Add(("steps", run.Iterations.ToString(CultureInfo.InvariantCulture)));
        return "<dl>" + string.Concat(items.Select(i => $"<dt>{WebUtility.HtmlEncode(i.Item1)}</dt><dd>{i.Item2}</dd>")) + "</dl>";
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
