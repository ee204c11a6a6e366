using Inversion.Cluster;

// Batch inversion of a dataset on an Orleans cluster (docs/scale-out.md).
//   silo    join a cluster and run shards: [--redis HOST:PORT] [--workers N] [--threads N] [--name NAME] [--port P --gateway-port G --address IP] [--no-warm-up]
//   submit  start a job: --input DIR|LIST.txt|IMAGE… --out DIR [--step FILE | --layer L --iterations N --preset P --image-size S]
//           [--shard-size 16] [--job ID] [--redis HOST:PORT] [--wait]; with no --redis, a single-machine cluster in this process
//   status  --job ID [--watch] [--redis HOST:PORT]
//   cancel  --job ID [--redis HOST:PORT]
//   bench   --silos 1,2 and/or --layers conv1,stage3 [--rows N --iterations N --image-size S --shard-size N --repeat N] [--no-warm-up] [--silo-logs]
string verb = args.Length > 0 ? args[0] : "help";
try
{
    var rest = new Arguments(args.Skip(1));
    return verb switch
    {
        "silo" => await SiloCommand.RunAsync(rest),
        "submit" => await SubmitCommand.RunAsync(rest),
        "status" => await StatusCommand.RunAsync(rest, cancel: false),
        "cancel" => await StatusCommand.RunAsync(rest, cancel: true),
        "bench" => await BenchCommand.RunAsync(rest, "dotnet run --project samples/Inversion.Cluster -c Release -- " + string.Join(' ', args)),
        _ => throw new UsageException($"unknown verb '{verb}'; expected silo, submit, status, cancel or bench"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException)
{
    // The library's bad-input errors name the layer, file or column; libtorch's own lines after the first add nothing.
    Console.Error.WriteLine($"error: {e.Message.Split('\n')[0]}");
    return 2;
}
