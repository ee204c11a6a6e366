namespace Microsoft.ML.Inversion.Tests.Representations;

/// <summary>
/// HOG written the slow, obvious way, pixel by pixel and cell by cell, to check the tensor module against.
/// It shares no code with the library: only the definition (documented on HogFeatures).
/// </summary>
internal static class ReferenceHog
{
    private const double Epsilon = 1e-4;

    /// <summary>Features [D, rows, columns] of an image [3, H, W].</summary>
    public static double[,,] Compute(double[,,] image, int cellSize, int orientations, bool bilinear, bool uoctti, double clip = 0.2)
    {
        int height = image.GetLength(1), width = image.GetLength(2);
        int rows = height / cellSize, columns = width / cellSize, bins = 2 * orientations;
        var directed = new double[bins, rows, columns];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                // The channel with the largest gradient (the first one on ties).
                double bestMagnitude = -1, gx = 0, gy = 0;
                for (int c = 0; c < 3; c++)
                {
                    double dx = (image[c, y, Math.Min(x + 1, width - 1)] - image[c, y, Math.Max(x - 1, 0)]) / 2;
                    double dy = (image[c, Math.Min(y + 1, height - 1), x] - image[c, Math.Max(y - 1, 0), x]) / 2;
                    double m = Math.Sqrt(dx * dx + dy * dy);
                    if (m > bestMagnitude)
                        (bestMagnitude, gx, gy) = (m, dx, dy);
                }
                if (bestMagnitude == 0)
                    continue;
                var votes = new double[bins];
                double position = Math.Atan2(gy, gx) / (2 * Math.PI) * bins;
                if (bilinear)
                {
                    int lower = (int)Math.Floor(position);
                    double fraction = position - lower;
                    votes[Wrap(lower, bins)] += (1 - fraction) * bestMagnitude;
                    votes[Wrap(lower + 1, bins)] += fraction * bestMagnitude;
                }
                else
                {
                    votes[Wrap((int)Math.Round(position), bins)] += bestMagnitude;
                }
                for (int i = 0; i < rows; i++)
                {
                    double wy = 1 - Math.Abs(y - (cellSize * i + (cellSize - 1) / 2.0)) / cellSize;
                    if (wy <= 0)
                        continue;
                    for (int j = 0; j < columns; j++)
                    {
                        double wx = 1 - Math.Abs(x - (cellSize * j + (cellSize - 1) / 2.0)) / cellSize;
                        if (wx <= 0)
                            continue;
                        for (int k = 0; k < bins; k++)
                            directed[k, i, j] += wy * wx * votes[k];
                    }
                }
            }

        var undirected = new double[orientations, rows, columns];
        for (int k = 0; k < orientations; k++)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    undirected[k, i, j] = directed[k, i, j] + directed[k + orientations, i, j];
        return uoctti ? UoCtti(directed, undirected, orientations, clip) : DalalTriggs(undirected, orientations, clip);
    }

    private static int Wrap(int bin, int bins) => ((bin % bins) + bins) % bins;

    // The four blocks holding cell (i, j), by their top-left cell.
    private static (int, int)[] BlocksOf(int i, int j) => [(i - 1, j - 1), (i - 1, j), (i, j - 1), (i, j)];

    private static double[,,] UoCtti(double[,,] directed, double[,,] undirected, int orientations, double clip)
    {
        int rows = directed.GetLength(1), columns = directed.GetLength(2);
        double CellEnergy(int i, int j)
        {
            if (i < 0 || j < 0 || i >= rows || j >= columns)
                return 0;
            double e = 0;
            for (int k = 0; k < orientations; k++)
                e += undirected[k, i, j] * undirected[k, i, j];
            return e;
        }
        var features = new double[3 * orientations + 4, rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                var blocks = BlocksOf(i, j);
                for (int b = 0; b < 4; b++)
                {
                    var (a, c) = blocks[b];
                    double energy = CellEnergy(a, c) + CellEnergy(a + 1, c) + CellEnergy(a, c + 1) + CellEnergy(a + 1, c + 1);
                    double factor = 1 / Math.Sqrt(energy + Epsilon);
                    for (int k = 0; k < 2 * orientations; k++)
                        features[k, i, j] += 0.5 * Math.Min(directed[k, i, j] * factor, clip);
                    double texture = 0;
                    for (int k = 0; k < orientations; k++)
                    {
                        double value = Math.Min(undirected[k, i, j] * factor, clip);
                        features[2 * orientations + k, i, j] += 0.5 * value;
                        texture += value;
                    }
                    features[3 * orientations + b, i, j] = 0.2357 * texture;
                }
            }
        return features;
    }

    private static double[,,] DalalTriggs(double[,,] undirected, int orientations, double clip)
    {
        int rows = undirected.GetLength(1), columns = undirected.GetLength(2);
        var features = new double[4 * orientations, rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                var blocks = BlocksOf(i, j);
                for (int b = 0; b < 4; b++)
                {
                    var (a, c) = blocks[b];
                    // The block's 2×2 cells, cells outside the image empty.
                    var block = new double[2, 2, orientations];
                    for (int di = 0; di < 2; di++)
                        for (int dj = 0; dj < 2; dj++)
                            if (a + di >= 0 && c + dj >= 0 && a + di < rows && c + dj < columns)
                                for (int k = 0; k < orientations; k++)
                                    block[di, dj, k] = undirected[k, a + di, c + dj];
                    double first = 0;
                    foreach (double v in block)
                        first += v * v;
                    first = 1 / Math.Sqrt(first + Epsilon);
                    double second = 0;
                    foreach (double v in block)
                        second += Math.Pow(Math.Min(v * first, clip), 2);
                    second = 1 / Math.Sqrt(second + Epsilon);
                    for (int k = 0; k < orientations; k++)
                        features[b * orientations + k, i, j] = Math.Min(block[i - a, j - c, k] * first, clip) * second;
                }
            }
        return features;
    }
}
