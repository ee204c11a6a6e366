using System.Net.Sockets;

namespace Microsoft.ML.Inversion.Cluster.Tests;

/// <summary>A throw-away redis-server on a free loopback port, no persistence to disk; killed on dispose.</summary>
internal sealed class RedisServer : IDisposable
{
    private readonly ChildProcess _process;

    private RedisServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The address to pass as <c>--redis</c>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public static RedisServer Start()
    {
        string? server = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);
        if (server is null)
            Assert.Fail("redis-server is not on PATH: install it (apt-get update && apt-get install -y redis-server); .ci/run installs it when missing.");
        int port = ClusterPaths.FreePort();
        var process = ChildProcess.Start("redis-server", server, ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"]);
        var redis = new RedisServer(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!redis.Answers())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                redis.Dispose();
                Assert.Fail($"redis-server did not start on port {port}; output:\n{process.Output}");
            }
            Thread.Sleep(100);
        }
        return redis;
    }

    public void Dispose() => _process.Dispose();

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            int read = stream.Read(buffer);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
