namespace Microsoft.ML.Inversion.Tests.Representations;

/// <summary>
/// Dense SIFT written the slow, obvious way, descriptor by descriptor, to check the tensor module against.
/// It shares no code with the library: only the definition (documented on DenseSiftFeatures).
/// </summary>
internal static class ReferenceDenseSift
{
    private const double Epsilon = 1e-4;

    /// <summary>Descriptors [B·B·O, rows, columns] of an image [3, H, W].</summary>
    public static double[,,] Compute(double[,,] image, int binSize, int step, int spatialBins, int orientations, double clip = 0.2)
    {
        int height = image.GetLength(1), width = image.GetLength(2);
        var luminance = new double[height, width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                luminance[y, x] = 0.299 * image[0, y, x] + 0.587 * image[1, y, x] + 0.114 * image[2, y, x];

        var votes = new double[orientations, height, width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double gx = (luminance[y, Math.Min(x + 1, width - 1)] - luminance[y, Math.Max(x - 1, 0)]) / 2;
                double gy = (luminance[Math.Min(y + 1, height - 1), x] - luminance[Math.Max(y - 1, 0), x]) / 2;
                double magnitude = Math.Sqrt(gx * gx + gy * gy);
                if (magnitude == 0)
                    continue;
                double position = Math.Atan2(gy, gx) / (2 * Math.PI) * orientations;
                int lower = (int)Math.Floor(position);
                double fraction = position - lower;
                votes[((lower % orientations) + orientations) % orientations, y, x] += (1 - fraction) * magnitude;
                votes[((lower + 1) % orientations + orientations) % orientations, y, x] += fraction * magnitude;
            }

        int span = binSize * (spatialBins + 1) - 1;
        int rows = (height - span) / step + 1, columns = (width - span) / step + 1;
        int dimensions = spatialBins * spatialBins * orientations;
        var descriptors = new double[dimensions, rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                var descriptor = new double[dimensions];
                for (int by = 0; by < spatialBins; by++)
                    for (int bx = 0; bx < spatialBins; bx++)
                    {
                        int centreY = binSize - 1 + step * r + binSize * by;
                        int centreX = binSize - 1 + step * c + binSize * bx;
                        for (int y = centreY - binSize + 1; y < centreY + binSize; y++)
                            for (int x = centreX - binSize + 1; x < centreX + binSize; x++)
                            {
                                double weight = (1 - Math.Abs(y - centreY) / (double)binSize) * (1 - Math.Abs(x - centreX) / (double)binSize);
                                for (int o = 0; o < orientations; o++)
                                    descriptor[(by * spatialBins + bx) * orientations + o] += weight * votes[o, y, x];
                            }
                    }
                double norm = 1 / Math.Sqrt(descriptor.Sum(v => v * v) + Epsilon);
                double[] clipped = descriptor.Select(v => Math.Min(v * norm, clip)).ToArray();
                double renorm = 1 / Math.Sqrt(clipped.Sum(v => v * v) + Epsilon);
                for (int d = 0; d < dimensions; d++)
                    descriptors[d, r, c] = clipped[d] * renorm;
            }
        return descriptors;
    }
}
