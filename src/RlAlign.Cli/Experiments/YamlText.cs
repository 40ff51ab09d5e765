using System.Collections;
using System.Globalization;
using System.Text;

namespace RlAlign.Cli.Experiments;

/// <summary>Formats plain values as YAML scalars / flow lists for the resolved config a run writes.</summary>
public static class YamlText
{
    /// <summary>The lines every resolved experiment starts with: an optional comment, then experiment, description and algo.</summary>
    public static StringBuilder ExperimentHeader(string? header, string name, string? description, string algo)
    {
        var yaml = new StringBuilder();
        if (header is not null) yaml.Append("# ").AppendLine(header);
        yaml.Append("experiment: ").AppendLine(Format(name));
        if (description is not null) yaml.Append("description: ").AppendLine(Format(description));
        yaml.Append("algo: ").AppendLine(Format(algo));
        return yaml;
    }

    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable number when value is int or long or short or byte or uint or ulong => number.ToString(null, CultureInfo.InvariantCulture),
        Enum e => ConfigBinder.ToSnakeCase(e.ToString()),
        string s => Quote(s),
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static string FormatDouble(double d)
    {
        if (double.IsPositiveInfinity(d)) return ".inf";
        if (double.IsNegativeInfinity(d)) return "-.inf";
        if (double.IsNaN(d)) return ".nan";
        string text = d.ToString("R", CultureInfo.InvariantCulture);
        // Keep floats recognisable as floats when read back ("1" would read as an integer).
        return text.Contains('.') || text.Contains('E') || text.Contains('e') ? text : text + ".0";
    }

    private static string Quote(string s)
    {
        bool plain = s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || c is '-' || c is '_' || c is '.' || c is '/')
            && ConfigBinder.ParseScalar(s) is string && s is not ("null" or "true" or "false" or "yes" or "no" or "on" or "off");
        return plain ? s : "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
