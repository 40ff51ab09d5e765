using System.Globalization;

namespace RlAlign.Core;

/// <summary>
/// Keyword options for <see cref="Envs.Make"/> and <see cref="IEnv.Reset"/> (Gymnasium's kwargs / options).
/// Reads are tracked, so a misspelt option is reported instead of silently ignored.
/// </summary>
public sealed class EnvOptions
{
    private readonly Dictionary<string, object?> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public EnvOptions() => _values = new Dictionary<string, object?>(StringComparer.Ordinal);

    public EnvOptions(IEnumerable<KeyValuePair<string, object?>> values)
        => _values = new Dictionary<string, object?>(values, StringComparer.Ordinal);

    public object? this[string key]
    {
        get => _values[key];
        set => _values[key] = value;
    }

    public IReadOnlyCollection<string> Keys => _values.Keys;
    public bool Contains(string key) => _values.ContainsKey(key);

    public EnvOptions Clone() => new(_values);

    /// <summary>The option's value converted to <typeparamref name="T"/>, or <paramref name="fallback"/> when absent.</summary>
    public T Get<T>(string key, T fallback)
    {
        _read.Add(key);
        if (!_values.TryGetValue(key, out object? raw) || raw is null) return fallback;
        if (raw is T typed) return typed;
        try
        {
            Type target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            if (target == typeof(bool) && raw is string s) return (T)(object)bool.Parse(s);
            return (T)Convert.ChangeType(raw, target, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new ArgumentException($"Option '{key}' = '{raw}' is not a valid {typeof(T).Name}.", e);
        }
    }

    /// <summary>Options that were given but never read by the env: almost always a typo.</summary>
    public IEnumerable<string> UnreadKeys() => _values.Keys.Where(k => !_read.Contains(k));
}
