using RlAlign.Core.Wrappers;

namespace RlAlign.Core;

/// <summary>A set of <see cref="EnvSpec"/>s by id.</summary>
public sealed class EnvRegistry
{
    private readonly Dictionary<string, EnvSpec> _specs = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, Func<string, EnvOptions, IEnv> Create, string Description)> _prefixes = [];
    private readonly Lock _gate = new();

    public void Register(EnvSpec spec)
    {
        lock (_gate)
        {
            if (_specs.ContainsKey(spec.Id)) throw new InvalidOperationException($"Env id '{spec.Id}' is already registered.");
            _specs[spec.Id] = spec;
        }
    }

    /// <summary>
    /// Makes every id that starts with <paramref name="prefix"/> (e.g. <c>gym:</c>) resolvable by
    /// <paramref name="create"/>, which gets the id without the prefix: for env families whose ids are
    /// not known in advance, such as any Python Gymnasium id.
    /// </summary>
    public void RegisterPrefix(string prefix, Func<string, EnvOptions, IEnv> create, string description = "")
    {
        lock (_gate)
        {
            if (_prefixes.Any(p => p.Prefix == prefix)) throw new InvalidOperationException($"Env id prefix '{prefix}' is already registered.");
            _prefixes.Add((prefix, create, description));
        }
    }

    public bool TryGet(string id, out EnvSpec spec)
    {
        lock (_gate)
        {
            if (_specs.TryGetValue(id, out spec!)) return true;
            foreach ((string prefix, Func<string, EnvOptions, IEnv> create, string description) in _prefixes)
            {
                if (!id.StartsWith(prefix, StringComparison.Ordinal) || id.Length == prefix.Length) continue;
                string inner = id[prefix.Length..];
                spec = new EnvSpec(id, options => create(inner, options), Description: description);
                return true;
            }
            return false;
        }
    }

    /// <summary>The registered id prefixes (e.g. <c>gym:</c>).</summary>
    public IReadOnlyList<string> Prefixes
    {
        get { lock (_gate) return _prefixes.Select(p => p.Prefix).ToArray(); }
    }

    public IReadOnlyList<string> Ids
    {
        get { lock (_gate) return _specs.Keys.Order(StringComparer.Ordinal).ToArray(); }
    }
}

/// <summary>
/// Gymnasium's <c>make</c>: <c>Envs.Make("CartPole-v1")</c>. Applies the registered time limit
/// (option <c>max_episode_steps</c> overrides it) and reports unknown ids and options with suggestions.
/// </summary>
public static class Envs
{
    private static readonly Lazy<EnvRegistry> DefaultRegistry = new(DiscoverRegistrars, LazyThreadSafetyMode.ExecutionAndPublication);

    public static EnvRegistry Registry => DefaultRegistry.Value;

    public static IReadOnlyList<string> Ids => Registry.Ids;

    public static EnvSpec Spec(string id)
    {
        if (Registry.TryGet(id, out EnvSpec spec)) return spec;
        throw new UnknownEnvException(id, Suggestions(id, Registry.Ids));
    }

    public static IEnv Make(string id, EnvOptions? options = null)
    {
        EnvSpec spec = Spec(id);
        var merged = new EnvOptions(spec.DefaultOptions);
        if (options is not null)
            foreach (string key in options.Keys) merged[key] = options[key];

        int? maxSteps = merged.Get<int?>("max_episode_steps", spec.MaxEpisodeSteps);
        // Every env renders on demand through IEnv.Render(); Gymnasium's render_mode is accepted for familiarity.
        string? renderMode = merged.Get<string?>("render_mode", null);
        if (renderMode is not (null or "rgb_array"))
            throw new ArgumentException($"{id}: render_mode '{renderMode}' is not supported; use rgb_array (IEnv.Render returns the frame).");
        IEnv env = spec.Create(merged);
        string[] unread = merged.UnreadKeys().ToArray();
        if (unread.Length > 0)
        {
            env.Dispose();
            throw new ArgumentException($"{id} does not take option(s) {string.Join(", ", unread.Select(k => $"'{k}'"))}.");
        }
        env.Spec = spec with { MaxEpisodeSteps = maxSteps };
        return maxSteps is int limit ? new TimeLimit(env, limit) { Spec = env.Spec } : env;
    }

    /// <summary>Up to three registered ids closest to <paramref name="id"/> by edit distance.</summary>
    public static IReadOnlyList<string> Suggestions(string id, IEnumerable<string> known)
        => known.Select(k => (Id: k, Distance: EditDistance(id.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(3, id.Length / 2))
            .OrderBy(x => x.Distance).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Take(3).Select(x => x.Id).ToArray();

    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static EnvRegistry DiscoverRegistrars()
    {
        var registry = new EnvRegistry();
        foreach (IEnvRegistrar registrar in PluginDiscovery.CreateAll<IEnvRegistrar>()) registrar.Register(registry);
        return registry;
    }
}

/// <summary>Thrown by <see cref="Envs.Make"/> for an id nobody registered.</summary>
public sealed class UnknownEnvException(string id, IReadOnlyList<string> suggestions)
    : ArgumentException(suggestions.Count > 0
        ? $"Unknown env id '{id}'. Did you mean: {string.Join(", ", suggestions)}? (`rlalign envs` lists all ids.)"
        : $"Unknown env id '{id}'. `rlalign envs` lists all ids.")
{
    public string Id { get; } = id;
    public IReadOnlyList<string> Suggestions { get; } = suggestions;
}
