using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>Reads BabyAI's constructor keywords from <see cref="EnvOptions"/>, naming the option and what it expects on bad input.</summary>
internal static class BabyAIOptions
{
    public static int AgentViewSize(EnvOptions options) => MiniGridOptions.AgentViewSize(options);

    /// <summary>A colour name (red, green, blue, purple, yellow, grey), or null when the option is absent or null.</summary>
    public static ObjectColor? Color(EnvOptions options, string key)
    {
        string? name = options.Get<string?>(key, null);
        if (name is null) return null;
        foreach (ObjectColor color in ObjectColors.Names)
            if (color.Name() == name) return color;
        throw new ArgumentException($"Option '{key}' must be one of {string.Join(", ", ObjectColors.Names.Select(c => c.Name()))}, got '{name}'.");
    }

    /// <summary>One of <paramref name="allowed"/> (or null when absent and <paramref name="fallback"/> is null).</summary>
    public static string? Choice(EnvOptions options, string key, string? fallback, params string[] allowed)
    {
        string? value = options.Get(key, fallback);
        if (value is null || allowed.Contains(value)) return value;
        throw new ArgumentException($"Option '{key}' must be one of {string.Join(", ", allowed)}, got '{value}'.");
    }

    /// <summary>A pickable kind: key, ball or box.</summary>
    public static ObjectType PickableKind(EnvOptions options, string key, string fallback) => Choice(options, key, fallback, "key", "ball", "box") switch
    {
        "key" => ObjectType.Key,
        "ball" => ObjectType.Ball,
        _ => ObjectType.Box,
    };

    public static int AtLeast(EnvOptions options, string key, int fallback, int minimum)
    {
        int value = options.Get(key, fallback);
        return value >= minimum ? value : throw new ArgumentException($"Option '{key}' must be at least {minimum}, got {value}.");
    }

    public static int InRange(EnvOptions options, string key, int fallback, int minimum, int maximum)
    {
        int value = options.Get(key, fallback);
        return value >= minimum && value <= maximum ? value : throw new ArgumentException($"Option '{key}' must be in {minimum}..{maximum}, got {value}.");
    }

    /// <summary>A list of names (a comma-separated string or a list of strings) mapped through <paramref name="parse"/>.</summary>
    public static IReadOnlyList<T>? NameList<T>(EnvOptions options, string key, IReadOnlyDictionary<string, T> names)
    {
        object? raw = options.Get<object?>(key, null);
        if (raw is null) return null;
        IEnumerable<string> items = raw switch
        {
            string text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            IEnumerable<string> list => list,
            _ => throw new ArgumentException($"Option '{key}' must be a list of {string.Join("/", names.Keys)}, got a {raw.GetType().Name}."),
        };
        var result = new List<T>();
        foreach (string item in items)
        {
            if (!names.TryGetValue(item, out T? value))
                throw new ArgumentException($"Option '{key}' may only name {string.Join(", ", names.Keys)}, got '{item}'.");
            result.Add(value);
        }
        if (result.Count == 0) throw new ArgumentException($"Option '{key}' must name at least one of {string.Join(", ", names.Keys)}.");
        return result;
    }

    private static readonly Dictionary<string, ActionKind> ActionKindNames = new()
    {
        ["goto"] = ActionKind.GoTo, ["pickup"] = ActionKind.Pickup, ["open"] = ActionKind.Open, ["putnext"] = ActionKind.PutNext,
    };

    private static readonly Dictionary<string, InstrKind> InstrKindNames = new()
    {
        ["action"] = InstrKind.Action, ["and"] = InstrKind.And, ["seq"] = InstrKind.Seq,
    };

    /// <summary>
    /// The keywords Python's <c>LevelGen</c> takes, over <paramref name="defaults"/> (a level's fixed choices);
    /// <paramref name="fixedKeys"/> are the ones the level passes itself, which Python rejects as duplicates.
    /// </summary>
    public static LevelGenSettings LevelGen(EnvOptions options, LevelGenSettings defaults, params string[] fixedKeys)
    {
        foreach (string key in fixedKeys)
            if (options.Contains(key) && options[key] is not null)
                throw new ArgumentException($"Option '{key}' is fixed by this level; leave it out.");
        return defaults with
        {
            RoomSize = fixedKeys.Contains("room_size") ? defaults.RoomSize : AtLeast(options, "room_size", defaults.RoomSize, 3),
            NumRows = fixedKeys.Contains("num_rows") ? defaults.NumRows : AtLeast(options, "num_rows", defaults.NumRows, 1),
            NumCols = fixedKeys.Contains("num_cols") ? defaults.NumCols : AtLeast(options, "num_cols", defaults.NumCols, 1),
            NumDistractors = fixedKeys.Contains("num_dists") ? defaults.NumDistractors : AtLeast(options, "num_dists", defaults.NumDistractors, 0),
            LockedRoomProbability = fixedKeys.Contains("locked_room_prob") ? defaults.LockedRoomProbability : options.Get("locked_room_prob", defaults.LockedRoomProbability),
            Locations = fixedKeys.Contains("locations") ? defaults.Locations : options.Get("locations", defaults.Locations),
            Unblocking = fixedKeys.Contains("unblocking") ? defaults.Unblocking : options.Get("unblocking", defaults.Unblocking),
            ImplicitUnlock = fixedKeys.Contains("implicit_unlock") ? defaults.ImplicitUnlock : options.Get("implicit_unlock", defaults.ImplicitUnlock),
            ActionKinds = fixedKeys.Contains("action_kinds") ? defaults.ActionKinds : NameList(options, "action_kinds", ActionKindNames) ?? defaults.ActionKinds,
            InstrKinds = fixedKeys.Contains("instr_kinds") ? defaults.InstrKinds : NameList(options, "instr_kinds", InstrKindNames) ?? defaults.InstrKinds,
            AgentViewSize = AgentViewSize(options),
        };
    }
}
