using System.Globalization;
using System.Reflection;
using System.Text;
using RlAlign.Core;
using YamlDotNet.RepresentationModel;

namespace RlAlign.Cli.Experiments;

/// <summary>
/// Binds snake_case settings onto the PascalCase init properties of a config record
/// (<c>learning_rate</c> → <c>LearningRate</c>), converting each value to the property's type and
/// reporting unknown keys (with the nearest known key) and bad values by origin and line.
/// </summary>
public static class ConfigBinder
{
    public static T Bind<T>(T defaults, IReadOnlyDictionary<string, Setting> settings) where T : class
    {
        T config = Clone(defaults);
        Dictionary<string, PropertyInfo> properties = SettableProperties(typeof(T));
        foreach ((string key, Setting setting) in settings)
        {
            if (!properties.TryGetValue(key, out PropertyInfo? property))
            {
                IReadOnlyList<string> nearest = Core.Envs.Suggestions(key, properties.Keys);
                throw new ConfigException(setting.Origin, setting.Line,
                    $"unknown setting '{key}'" + (nearest.Count > 0 ? $"; did you mean '{nearest[0]}'?" : ".")
                    + $" Known settings: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}.");
            }
            property.SetValue(config, Convert(setting, key, property.PropertyType));
        }
        return config;
    }

    /// <summary>The snake_case keys <typeparamref name="T"/> accepts.</summary>
    public static HashSet<string> Keys<T>() => SettableProperties(typeof(T)).Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>snake_case keys of <typeparamref name="T"/>'s settable properties, with their current values.</summary>
    public static IEnumerable<(string Key, object? Value)> Describe<T>(T config) where T : class
        => SettableProperties(config.GetType()).Select(kv => (kv.Key, kv.Value.GetValue(config)));

    public static string ToSnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            bool boundary = char.IsUpper(c) && i > 0 && (!char.IsUpper(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1])));
            if (boundary) builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>A YAML scalar as the most specific plain value: bool, long, double or string.</summary>
    public static object? ParseScalar(string? text)
    {
        if (text is null or "null" or "~" or "") return null;
        if (text is "true" or "True") return true;
        if (text is "false" or "False") return false;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long integer)) return integer;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real)) return real;
        return text;
    }

    private static Dictionary<string, PropertyInfo> SettableProperties(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => ToSnakeCase(p.Name), StringComparer.Ordinal);

    private static object? Convert(Setting setting, string key, Type type)
    {
        Type? nullable = Nullable.GetUnderlyingType(type);
        Type target = nullable ?? type;
        if (setting.Value is YamlScalarNode scalar)
        {
            string? text = scalar.Value;
            if (text is null or "null" or "~" || (text.Length == 0 && target != typeof(string)))
            {
                if (nullable is not null || !type.IsValueType) return null;
                throw Bad(setting, key, text, type);
            }
            if (target.IsArray)
                return ConvertList(setting, key, target, text.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return ConvertScalar(setting, key, text, target) ?? throw Bad(setting, key, text, type);
        }
        if (setting.Value is YamlSequenceNode sequence && target.IsArray)
            return ConvertList(setting, key, target, sequence.Children.Select(c => (c as YamlScalarNode)?.Value ?? "").ToArray());
        throw new ConfigException(setting.Origin, setting.Line, $"'{key}' expects {Describe(type)}, not a {(setting.Value is YamlSequenceNode ? "list" : "mapping")}.");
    }

    private static Array ConvertList(Setting setting, string key, Type arrayType, string[] items)
    {
        Type element = arrayType.GetElementType()!;
        Array result = Array.CreateInstance(element, items.Length);
        for (int i = 0; i < items.Length; i++)
            result.SetValue(ConvertScalar(setting, key, items[i], element) ?? throw Bad(setting, key, items[i], element), i);
        return result;
    }

    private static object? ConvertScalar(Setting setting, string key, string text, Type target)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        if (target == typeof(string)) return text;
        if (target == typeof(bool)) return text.ToLowerInvariant() switch { "true" or "yes" or "on" => true, "false" or "no" or "off" => false, _ => null };
        if (target == typeof(int))
        {
            // Accept 5e5 or 500_000 for step counts, as people write them.
            string cleaned = text.Replace("_", "");
            if (int.TryParse(cleaned, NumberStyles.Integer, invariant, out int i)) return i;
            return double.TryParse(cleaned, NumberStyles.Float, invariant, out double d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;
        }
        if (target == typeof(long))
        {
            string cleaned = text.Replace("_", "");
            if (long.TryParse(cleaned, NumberStyles.Integer, invariant, out long l)) return l;
            return double.TryParse(cleaned, NumberStyles.Float, invariant, out double d) && d == Math.Floor(d) && Math.Abs(d) < 9e18 ? (long)d : null;
        }
        if (target == typeof(double))
            return double.TryParse(text.Replace("_", ""), NumberStyles.Float, invariant, out double d) ? d : null;
        if (target == typeof(float))
            return float.TryParse(text.Replace("_", ""), NumberStyles.Float, invariant, out float f) ? f : null;
        if (target.IsEnum)
        {
            foreach (string name in Enum.GetNames(target))
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) || string.Equals(ToSnakeCase(name), text, StringComparison.Ordinal))
                    return Enum.Parse(target, name);
            return null;
        }
        throw new ConfigException(setting.Origin, setting.Line, $"'{key}' has a type ({target.Name}) that experiment files cannot set.");
    }

    private static ConfigException Bad(Setting setting, string key, string? text, Type type)
        => new(setting.Origin, setting.Line, $"'{key}' expects {Describe(type)}, got '{text}'.");

    private static string Describe(Type type)
    {
        Type? nullable = Nullable.GetUnderlyingType(type);
        Type target = nullable ?? type;
        string name = target switch
        {
            _ when target == typeof(int) || target == typeof(long) => "an integer",
            _ when target == typeof(double) || target == typeof(float) => "a number",
            _ when target == typeof(bool) => "true or false",
            _ when target == typeof(string) => "a string",
            _ when target.IsEnum => $"one of {string.Join(", ", Enum.GetNames(target).Select(ToSnakeCase))}",
            _ when target.IsArray => $"a list of {Describe(target.GetElementType()!)}s",
            _ => target.Name,
        };
        return nullable is not null ? $"{name} or null" : name;
    }

    private static T Clone<T>(T value) where T : class
    {
        // Records expose a protected copy constructor via <Clone>$; calling it keeps `defaults` untouched.
        MethodInfo? clone = typeof(T).GetMethod("<Clone>$");
        return clone is not null ? (T)clone.Invoke(value, null)! : value;
    }
}
