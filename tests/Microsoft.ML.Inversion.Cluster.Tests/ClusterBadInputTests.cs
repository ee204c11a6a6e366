using Microsoft.ML.Inversion.Orleans;

namespace Microsoft.ML.Inversion.Cluster.Tests;

/// <summary>Bad input on a cluster run: an unreadable image costs its row only; a missing step or an unreachable Redis is one clear error at submit.</summary>
[TestClass]
public sealed class ClusterBadInputTests
{
    private static readonly TimeSpan HostTimeout = TimeSpan.FromMinutes(3);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(240_000, CooperativeCancellation = true)]
    public void AnUnreadableImageFailsOnlyItsRowWithTheReasonInTheResultsTable()
    {
        string folder = Folder();
        string corrupt = Path.Combine(folder, "corrupt.png");
        File.WriteAllText(corrupt, "this is not a PNG");
        string missing = Path.Combine(folder, "missing.png");
        string list = Path.Combine(folder, "images.txt");
        File.WriteAllLines(list, [Path.Combine(ClusterPaths.Images, "chelsea.png"), corrupt, Path.Combine(ClusterPaths.Images, "coffee.png"), missing]);
        string output = Path.Combine(folder, "output");

        // No --redis: a single-machine cluster in the submitting process, run to the end.
        var (code, text) = ChildProcess.RunHost(HostTimeout, "submit", "--input", list, "--out", output, "--layer", "conv1", "--iterations", "3",
            "--image-size", "64", "--shard-size", "4", "--workers", "1", "--gateway-port", $"{ClusterPaths.FreePort()}", "--port", $"{ClusterPaths.FreePort()}");
        Assert.AreEqual(0, code, text);
        Assert.Contains("finished", text);

        var layout = new JobOutputLayout(output);
        var rows = ResultsTable.Read(layout.ResultsPath(0)).ToList();
        Assert.HasCount(4, rows);
        CollectionAssert.AreEqual(new[] { "ok", "bad", "ok", "bad" }, rows.Select(r => r[2]).ToArray());
        Assert.Contains("corrupt.png", rows[1][4], "the reason names the file");
        Assert.Contains("missing.png", rows[3][4], "the reason names the file");
        Assert.IsTrue(File.Exists(layout.ImagePath(0)) && File.Exists(layout.ImagePath(2)), "the good rows have outputs");
        Assert.IsFalse(File.Exists(layout.ImagePath(1)) || File.Exists(layout.ImagePath(3)), "the bad rows have none");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void AMissingStepFileIsOneClearErrorAtSubmit()
    {
        string folder = Folder();
        string step = Path.Combine(folder, "no-such-step.json");
        var (code, text) = ChildProcess.RunHost(HostTimeout, "submit", "--redis", $"127.0.0.1:{ClusterPaths.FreePort()}", "--step", step,
            "--input", Path.Combine(ClusterPaths.Images, "chelsea.png"), "--out", Path.Combine(folder, "output"));
        Assert.AreEqual(2, code, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, text);
        Assert.Contains("error:", lines[0]);
        Assert.Contains(step, lines[0]);
        Assert.Contains("does not exist", lines[0]);
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void AnUnreachableRedisIsOneClearErrorAtSubmit()
    {
        string folder = Folder();
        string step = ClusterTestData.SaveStep(Path.Combine(folder, "step.json"), iterations: 3);
        string address = $"127.0.0.1:{ClusterPaths.FreePort()}";
        var (code, text) = ChildProcess.RunHost(HostTimeout, "submit", "--redis", address, "--step", step,
            "--input", Path.Combine(ClusterPaths.Images, "chelsea.png"), "--out", Path.Combine(folder, "output"));
        Assert.AreEqual(2, code, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, text);
        Assert.Contains($"error: cannot reach Redis at '{address}'", lines[0]);
    }

    private string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "inversion-cluster-tests", $"{TestContext.TestName}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
