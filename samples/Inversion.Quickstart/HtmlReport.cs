using System.Net;
using System.Text;

namespace Inversion.Quickstart;

/// <summary>A single self-contained page: the contact sheet, then one row per layer with its image and measures.</summary>
internal static class HtmlReport
{
    public static void Write(string path, string imageName, string backbone, IReadOnlyList<LayerRun> runs, string contactSheet)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Inversion.ML report</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 10px;text-align:right}th{background:#eee}img.tile{width:160px}</style></head><body>");
        html.AppendLine($"<h1>What {WebUtility.HtmlEncode(backbone)} keeps of {WebUtility.HtmlEncode(imageName)}</h1>");
        html.AppendLine("<p>Each image is reconstructed from one layer's representation alone (Mahendran &amp; Vedaldi's pre-image). " +
                        "featureError = ‖Φ(x)−Φ0‖/‖Φ0‖; ncc = correlation with the original's luminance; roughness = neighbour differences relative to the original (1 is natural).</p>");
        html.AppendLine($"<p><img src=\"{WebUtility.HtmlEncode(contactSheet)}\" alt=\"contact sheet\" style=\"max-width:100%\"></p>");
        html.AppendLine("<table><tr><th>layer</th><th>method</th><th>image</th><th>featureError</th><th>ncc</th><th>roughness</th><th>PSNR</th><th>SSIM</th><th>iterations</th><th>seconds</th></tr>");
        html.AppendLine("<tr><td>original</td><td></td><td><img class=\"tile\" src=\"original.png\"></td><td colspan=\"7\"></td></tr>");
        foreach (var run in runs)
            html.AppendLine($"<tr><td>{WebUtility.HtmlEncode(run.Layer)}</td><td>{run.Method}</td><td><img class=\"tile\" src=\"{WebUtility.HtmlEncode(run.Layer)}-{run.Method}.png\"></td>" +
                            $"<td>{run.FeatureError:F3}</td><td>{run.Ncc:F3}</td><td>{run.Roughness:F2}</td><td>{run.Psnr:F1}</td><td>{run.Ssim:F3}</td><td>{run.Iterations}</td><td>{run.Seconds:F1}</td></tr>");
        html.AppendLine("</table></body></html>");
        File.WriteAllText(path, html.ToString());
    }
}
