using System.Globalization;
using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's wrappers by name, for configuration: <c>"FullyObs, FlatObs"</c> wraps the env in
/// <see cref="FullyObsWrapper"/>, then <see cref="FlatObsWrapper"/> (innermost first, as one would write
/// <c>FlatObsWrapper(FullyObsWrapper(env))</c>). Names match Minigrid's class names, case-insensitively and
/// with or without the <c>Wrapper</c> suffix; arguments use Python's keyword names, lists separated by spaces:
/// <c>RGBImgPartialObs(tile_size=16)</c>, <c>NoDeath(no_death_types=lava ball, death_cost=-1)</c>,
/// <c>Reseed(seeds=0 1 2)</c>. The MiniGrid registry entries read them from the <c>wrappers</c> env option.
/// </summary>
public static class MiniGridWrappers
{
    private sealed record Entry(string Name, string[] Arguments, Func<IEnv, Arguments, IEnv> Create);

    private static readonly Entry[] Entries =
    [
        new("FullyObsWrapper", [], (env, _) => new FullyObsWrapper(env)),
        new("ImgObsWrapper", [], (env, _) => new ImgObsWrapper(env)),
        new("FlatObsWrapper", ["maxStrLen"], (env, a) => new FlatObsWrapper(env, a.Int("maxStrLen") ?? 96)),
        new("OneHotPartialObsWrapper", [], (env, _) => new OneHotPartialObsWrapper(env)),
        new("RGBImgObsWrapper", ["tile_size"], (env, a) => new RGBImgObsWrapper(env, a.Int("tile_size") ?? 8)),
        new("RGBImgPartialObsWrapper", ["tile_size"], (env, a) => new RGBImgPartialObsWrapper(env, a.Int("tile_size") ?? 8)),
        new("SymbolicObsWrapper", [], (env, _) => new SymbolicObsWrapper(env)),
        new("DictObservationSpaceWrapper", ["max_words_in_mission"], (env, a) => new DictObservationSpaceWrapper(env, a.Int("max_words_in_mission") ?? 50)),
        new("DirectionObsWrapper", ["type"], (env, a) => new DirectionObsWrapper(env, a.Enum<GoalDirectionType>("type") ?? GoalDirectionType.Slope)),
        new("ActionBonus", [], (env, _) => new ActionBonus(env)),
        new("PositionBonus", [], (env, _) => new PositionBonus(env)),
        new("ReseedWrapper", ["seeds", "seed_idx"], (env, a) => new ReseedWrapper(env, a.List("seeds", ParseSeed), a.Int("seed_idx") ?? 0)),
        new("NoDeath", ["no_death_types", "death_cost"], (env, a) => new NoDeath(env,
            a.List("no_death_types", ParseObjectType) ?? throw a.Error("needs no_death_types (e.g. no_death_types=lava)"), a.Double("death_cost") ?? -1.0)),
        new("StochasticActionWrapper", ["prob", "random_action", "seed"], (env, a) => new StochasticActionWrapper(env,
            a.Double("prob") ?? 0.9, a.Int("random_action"), a.UInt64("seed"))),
    ];

    /// <summary>The wrapper names <see cref="Apply(IEnv, string)"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>
    /// Wraps <paramref name="env"/> in each wrapper of <paramref name="wrappers"/>, a comma-separated list (an
    /// enclosing <c>[ ]</c>, as a YAML list prints, is allowed). Disposes the env when a wrapper cannot be built.
    /// </summary>
    public static IEnv Apply(IEnv env, string wrappers) => Apply(env, Split(wrappers.Trim() is ['[', .. var inner, ']'] ? inner : wrappers.Trim()));

    /// <summary>Wraps <paramref name="env"/> in each of <paramref name="wrappers"/>, innermost first.</summary>
    public static IEnv Apply(IEnv env, IEnumerable<string> wrappers)
    {
        try
        {
            foreach (string wrapper in wrappers)
            {
                (string name, Arguments arguments) = Parse(wrapper);
                Entry entry = Find(name, wrapper);
                arguments.CheckKeys(entry);
                env = entry.Create(env, arguments);
            }
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    private static Entry Find(string name, string wrapper)
    {
        static string Short(string n) => n.EndsWith("Wrapper", StringComparison.OrdinalIgnoreCase) ? n[..^"Wrapper".Length] : n;
        string wanted = Short(name);
        Entry? entry = Entries.FirstOrDefault(e => string.Equals(Short(e.Name), wanted, StringComparison.OrdinalIgnoreCase));
        if (entry is not null) return entry;
        IReadOnlyList<string> suggestions = Core.Envs.Suggestions(wanted, Entries.Select(e => Short(e.Name)));
        string? suggestion = suggestions.Count > 0 ? Entries.First(e => Short(e.Name) == suggestions[0]).Name : null;
        throw new ArgumentException($"Unknown MiniGrid wrapper '{wrapper}'"
            + (suggestion is not null ? $"; did you mean {suggestion}?" : ".") + $" Known: {string.Join(", ", Names)}.");
    }

    private static (string Name, Arguments Arguments) Parse(string wrapper)
    {
        string text = wrapper.Trim();
        int open = text.IndexOf('(');
        if (open < 0) return (text, new Arguments(text, []));
        if (!text.EndsWith(')'))
            throw new ArgumentException($"MiniGrid wrapper '{wrapper}': arguments must be written Name(key=value, ...), closed by ')'.");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string argument in Split(text[(open + 1)..^1]))
        {
            int equals = argument.IndexOf('=');
            if (equals <= 0)
                throw new ArgumentException($"MiniGrid wrapper '{wrapper}': argument '{argument}' is not key=value.");
            string key = argument[..equals].Trim();
            if (!values.TryAdd(key, argument[(equals + 1)..].Trim()))
                throw new ArgumentException($"MiniGrid wrapper '{wrapper}': '{key}' is given twice.");
        }
        return (text[..open].Trim(), new Arguments(text, values));
    }

    /// <summary>Splits at the commas outside parentheses, dropping empty items.</summary>
    private static List<string> Split(string text)
    {
        var items = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '(') depth++;
            else if (i < text.Length && text[i] == ')') depth--;
            else if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                string item = text[start..i].Trim();
                if (item.Length > 0) items.Add(item);
                start = i + 1;
            }
        }
        return items;
    }

    private static ulong ParseSeed(string text) => ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static ObjectType ParseObjectType(string text)
        => System.Enum.TryParse(text, ignoreCase: true, out ObjectType type) && System.Enum.IsDefined(type) && !char.IsDigit(text[0])
            ? type
            : throw new FormatException($"'{text}' is not a Minigrid object type ({string.Join(", ", System.Enum.GetNames<ObjectType>().Select(n => n.ToLowerInvariant()))})");

    /// <summary>One wrapper's key=value arguments, converted on request with errors that name the wrapper and key.</summary>
    private sealed class Arguments(string wrapper, Dictionary<string, string> values)
    {
        public void CheckKeys(Entry entry)
        {
            foreach (string key in values.Keys)
            {
                if (!entry.Arguments.Contains(key))
                    throw Error(entry.Arguments.Length == 0 ? $"takes no arguments, got '{key}'"
                        : $"has no argument '{key}'; it takes {string.Join(", ", entry.Arguments)}");
            }
        }

        public int? Int(string key) => Convert<int?>(key, text => int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

        public ulong? UInt64(string key) => Convert<ulong?>(key, text => ParseSeed(text));

        public double? Double(string key) => Convert<double?>(key, text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));

        public T? Enum<T>(string key) where T : struct, System.Enum
            => Convert<T?>(key, text => System.Enum.TryParse(text, ignoreCase: true, out T value) && !char.IsDigit(text[0])
                ? value
                : throw new FormatException($"expected one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}"));

        public T[]? List<T>(string key, Func<string, T> parse)
            => Convert(key, text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } items
                ? items.Select(parse).ToArray()
                : throw new FormatException("expected at least one value"));

        public ArgumentException Error(string problem) => new($"MiniGrid wrapper '{wrapper}' {problem}.");

        private T? Convert<T>(string key, Func<string, T> parse)
        {
            if (!values.TryGetValue(key, out string? text)) return default;
            try
            {
                return parse(text);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw Error($"has an invalid {key} '{text}': {e.Message}");
            }
        }
    }
}
