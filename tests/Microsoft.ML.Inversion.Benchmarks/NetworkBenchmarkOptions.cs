using System.Globalization;

namespace Microsoft.ML.Inversion.Benchmarks;

/// <summary>The command line of the network benchmark: <c>--networks DIR [--only a,b] [--rounds N] [--speed-all] [--keep-mkl-vendor-test] [--out FILE]</c>.</summary>
/// <param name="Folder">The folder export_full_networks.py wrote (networks.json and the .onnx files).</param>
/// <param name="Only">The networks to run; empty for every network in the manifest.</param>
/// <param name="Rounds">Interleaved timing rounds per speed figure.</param>
/// <param name="SpeedAll">Whether every imported network is timed, not only <see cref="NetworkBenchmark.SpeedTargets"/>.</param>
/// <param name="ReportFile">The markdown file whose generated section is replaced.</param>
/// <param name="KeepMklVendorTest">Whether MKL keeps its vendor test (<c>MathKernelDispatch</c> off), for comparison.</param>
internal sealed record NetworkBenchmarkOptions(string Folder, IReadOnlyList<string> Only, int Rounds, bool SpeedAll, string ReportFile,
    bool KeepMklVendorTest = false)
{
    /// <summary>The report the section goes into unless --out names another file.</summary>
    public static readonly string DefaultReportFile = Path.Combine("docs", "backbones.md");

    /// <summary>Whether the arguments ask for the network benchmark rather than the step benchmark.</summary>
    public static bool IsRequested(IReadOnlyList<string> args) => args.Contains("--networks");

    /// <summary>Reads the arguments after <c>./build.sh bench</c>.</summary>
    /// <exception cref="ArgumentException">An option lacks its value, a value is malformed, or an option is unknown.</exception>
    public static NetworkBenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        string? folder = null, report = null;
        string[] only = [];
        int rounds = 5;
        bool speedAll = false, keepMklVendorTest = false;
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--networks":
                    folder = Value();
                    break;
                case "--only":
                    only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--rounds":
                    string text = Value();
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out rounds) || rounds < 1)
                        throw new ArgumentException($"--rounds expects a whole number of at least 1; got '{text}'.");
                    break;
                case "--speed-all":
                    speedAll = true;
                    break;
                case "--keep-mkl-vendor-test":
                    keepMklVendorTest = true;
                    break;
                case "--out":
                    report = Value();
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}' for the network benchmark; expected " +
                                                "--networks DIR, --only a,b,c, --rounds N, --speed-all, --keep-mkl-vendor-test or --out FILE.");
            }
        }
        return new NetworkBenchmarkOptions(folder ?? throw new ArgumentException("--networks DIR is required."), only, rounds, speedAll,
            report ?? DefaultReportFile, keepMklVendorTest);
    }
}
