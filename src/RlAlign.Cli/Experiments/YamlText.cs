using System.Collections;
using System.Globalization;

namespace RlAlign.Cli.Experiments;

/// <summary>Formats plain values as YAML scalars / flow lists for the resolved config a run writes.</summary>
public static class YamlText
{
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
