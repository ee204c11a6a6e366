using Microsoft.ML.Inversion.Tool;

return InversionCommandLine.Run(args);
