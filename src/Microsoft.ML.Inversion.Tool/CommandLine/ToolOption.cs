namespace Microsoft.ML.Inversion.Tool.CommandLine;

/// <summary>One option of the command: its name, what it takes, its default and what it does.</summary>
/// <param name="Name">The option, e.g. <c>--layers</c>.</param>
/// <param name="Value">What it takes (empty for a switch), e.g. <c>a,b,c</c>.</param>
/// <param name="Default">Its default, as help shows it.</param>
/// <param name="Help">What it does.</param>
/// <param name="Apply">Sets it on the arguments from its value (empty for a switch).</param>
internal sealed record ToolOption(string Name, string Value, string Default, string Help, Func<ToolArguments, string, ToolArguments> Apply)
{
    public bool IsSwitch => Value.Length == 0;
}
