namespace RlAlign.Cli.Experiments;

/// <summary>A problem with an experiment file or an override, located by its origin (file or flag) and line.</summary>
public sealed class ConfigException(string origin, int? line, string message)
    : Exception(line is int l ? $"{origin}:{l}: {message}" : $"{origin}: {message}")
{
    public string Origin { get; } = origin;
    public int? Line { get; } = line;
}
