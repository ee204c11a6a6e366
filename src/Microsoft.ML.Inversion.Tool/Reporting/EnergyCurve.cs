using System.Globalization;
using System.Text;

namespace Microsoft.ML.Inversion.Tool.Reporting;

/// <summary>An energy curve as inline SVG: no script, no library, readable without a network.</summary>
internal static class EnergyCurve
{
    private const int Width = 260, Height = 90, Margin = 4;

    /// <summary>
    /// The curve of <paramref name="values"/> over the steps, on a logarithmic axis when every value is positive
    /// (an inversion's energy falls over orders of magnitude), else on a linear one; labelled with the first and last value.
    /// </summary>
    public static string Svg(IReadOnlyList<double> values, string title)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg class=\"curve\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height + 16}\" role=\"img\" aria-label=\"{System.Net.WebUtility.HtmlEncode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
        if (finite.Length >= 2)
        {
            bool logarithmic = finite.All(v => v > 0);
            double Scale(double v) => logarithmic ? Math.Log10(v) : v;
            double low = finite.Min(Scale), high = finite.Max(Scale);
            double span = high > low ? high - low : 1;
            var points = new StringBuilder();
            for (int i = 0; i < values.Count; i++)
            {
                if (!double.IsFinite(values[i]) || (logarithmic && values[i] <= 0))
                    continue;
                double x = Margin + (Width - 2 * Margin) * i / (double)(values.Count - 1);
                double y = Margin + (Height - 2 * Margin) * (1 - (Scale(values[i]) - low) / span);
                points.Append(CultureInfo.InvariantCulture, $"{x:F1},{y:F1} ");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"{points.ToString().TrimEnd()}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"{Height + 12}\" font-size=\"10\">{values[0]:G3} → {values[^1]:G3} over {values.Count} steps{(logarithmic ? ", log scale" : "")}</text>");
        }
        else
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"{Height + 12}\" font-size=\"10\">no curve recorded</text>");
        }
        return svg.Append("</svg>").ToString();
    }
}
