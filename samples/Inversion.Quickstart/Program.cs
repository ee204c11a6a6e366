using Microsoft.ML.Inversion.Tool;

// The quickstart runs the same implementation as the `inversion` .NET tool (src/Microsoft.ML.Inversion.Tool), writing
// to out/quickstart: `./build.sh sample --help` lists every option with its default. For calling the library from
// your own code see the README's "In code" section and samples/Inversion.Pipeline.
return InversionCommandLine.Run(args, "Inversion.Quickstart", Path.Combine("out", "quickstart"));
