using System.Reflection;
using RlAlign.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RlAlign.Cli.Experiments;

/// <summary>One setting of an experiment: its raw YAML value and where it was written.</summary>
public sealed record Setting(YamlNode Value, string Origin, int? Line);

/// <summary>
/// An experiment as its YAML file describes it: a name, an algorithm, and flat snake_case settings
/// (the algorithm's hyperparameters, CleanRL's names) plus <c>env_options</c> for <see cref="Core.Envs.Make"/>.
/// Overrides from the command line are layered on top with their own origin, so every error can say
/// exactly which file line or flag is wrong.
/// </summary>
public sealed class Experiment
{
    private const string EmbeddedPrefix = "experiments/";
    public const string DefaultExperiment = "ppo-cartpole";

    /// <summary>The experiment's name; null for one built from flags alone (the run is then named after the algorithm).</summary>
    public string? Name { get; private set; }
    public string Algo { get; private set; } = "ppo";
    public string? Description { get; private set; }
    public string Origin { get; private init; } = "(command line)";
    public Dictionary<string, Setting> Settings { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Setting> EnvOptions { get; } = new(StringComparer.Ordinal);

    /// <summary>An empty experiment, configured only by overrides.</summary>
    public static Experiment Empty() => new();

    /// <summary>
    /// Loads an experiment from a YAML file path, or by name from the experiments embedded in the CLI
    /// (e.g. <c>ppo-cartpole</c>), so <c>rlalign train</c> works from any folder.
    /// </summary>
    public static Experiment Load(string pathOrName)
    {
        if (File.Exists(pathOrName)) return Parse(File.ReadAllText(pathOrName), pathOrName);
        string name = Path.GetFileNameWithoutExtension(pathOrName);
        if (ReadEmbedded(name) is string embedded) return Parse(embedded, $"{name}.yaml (built in)");
        IReadOnlyList<string> suggestions = Core.Envs.Suggestions(name, EmbeddedNames());
        throw new ConfigException(pathOrName, null,
            $"no such experiment file. Built-in experiments: {string.Join(", ", EmbeddedNames())}"
            + (suggestions.Count > 0 ? $" (did you mean {suggestions[0]}?)" : "") + ".");
    }

    public static IReadOnlyList<string> EmbeddedNames()
        => typeof(Experiment).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(EmbeddedPrefix, StringComparison.Ordinal))
            .Select(n => Path.GetFileNameWithoutExtension(n[EmbeddedPrefix.Length..]))
            .Order(StringComparer.Ordinal).ToArray();

    public static Experiment Parse(string yaml, string origin)
    {
        YamlStream stream = LoadYaml(yaml, origin, lineOffset: 0);
        var experiment = new Experiment { Origin = origin };
        if (stream.Documents.Count == 0) return experiment;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException(origin, Line(stream.Documents[0].RootNode), "an experiment must be a mapping of `key: value` settings.");

        foreach ((YamlNode keyNode, YamlNode value) in root.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            switch (key)
            {
                case "experiment": experiment.Name = Scalar(value, key, origin); break;
                case "algo": experiment.Algo = Scalar(value, key, origin); break;
                case "description": experiment.Description = Scalar(value, key, origin); break;
                case "env_options":
                    if (value is YamlScalarNode { Value: null or "" or "null" or "~" }) break;
                    if (value is not YamlMappingNode options)
                        throw new ConfigException(origin, Line(value), "env_options must be a mapping of option: value.");
                    foreach ((YamlNode optionKey, YamlNode optionValue) in options.Children)
                        experiment.EnvOptions[((YamlScalarNode)optionKey).Value ?? ""] = new Setting(optionValue, origin, Line(optionKey));
                    break;
                default:
                    if (experiment.Settings.ContainsKey(key))
                        throw new ConfigException(origin, Line(keyNode), $"'{key}' is set twice.");
                    experiment.Settings[key] = new Setting(value, origin, Line(keyNode));
                    break;
            }
        }
        return experiment;
    }

    /// <summary>Applies one <c>--set key=value</c> (the value parsed as YAML, so lists and numbers work).</summary>
    public void Set(string assignment, string origin = "--set")
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0)
            throw new ConfigException(origin, null, $"'{assignment}' is not key=value (e.g. --set learning_rate=3e-4).");
        string key = assignment[..equals].Trim();
        string text = assignment[(equals + 1)..];
        YamlStream stream = LoadYaml($"v: {text}", $"{origin} {key}={text}", lineOffset: null);
        YamlNode value = ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("v")];
        Set(key, value, $"{origin} {key}");
    }

    /// <summary>Sets <paramref name="key"/> (or <c>env_options.NAME</c>) to a value from a command-line flag.</summary>
    public void Set(string key, YamlNode value, string origin)
    {
        switch (key)
        {
            case "experiment": Name = Scalar(value, key, origin); return;
            case "algo": Algo = Scalar(value, key, origin); return;
            case "description": Description = Scalar(value, key, origin); return;
        }
        if (key.StartsWith("env_options.", StringComparison.Ordinal))
            EnvOptions[key["env_options.".Length..]] = new Setting(value, origin, null);
        else
            Settings[key] = new Setting(value, origin, null);
    }

    public void Set(string key, string scalar, string origin) => Set(key, new YamlScalarNode(scalar), origin);

    /// <summary>The value of a plain string setting, if present.</summary>
    public string? GetString(string key)
        => Settings.TryGetValue(key, out Setting? s) && s.Value is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>env_options converted to the values <see cref="Core.Envs.Make"/> expects.</summary>
    public EnvOptions BuildEnvOptions()
    {
        var options = new EnvOptions();
        foreach ((string key, Setting setting) in EnvOptions)
            options[key] = setting.Value is YamlScalarNode scalar ? ConfigBinder.ParseScalar(scalar.Value) : setting.Value.ToString();
        return options;
    }

    /// <summary>Parses YAML, turning every parser failure into a <see cref="ConfigException"/> with the line.</summary>
    /// <param name="lineOffset">Null when the text is a single flag value, whose line means nothing to the user.</param>
    private static YamlStream LoadYaml(string text, string origin, int? lineOffset)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
            return stream;
        }
        catch (YamlException e)
        {
            throw new ConfigException(origin, lineOffset + (int)e.Start.Line, $"malformed YAML: {Innermost(e).Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException) for some unterminated flow collections.
            int? line = parser.Current is { } current ? lineOffset + (int)current.Start.Line : null;
            throw new ConfigException(origin, line, "malformed YAML: an unterminated [list] or {mapping} (missing ']' or '}').");
        }
    }

    private static string? ReadEmbedded(string name)
    {
        using Stream? stream = typeof(Experiment).Assembly.GetManifestResourceStream($"{EmbeddedPrefix}{name}.yaml");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Scalar(YamlNode node, string key, string origin)
        => node is YamlScalarNode { Value: { } value }
            ? value
            : throw new ConfigException(origin, Line(node), $"'{key}' must be a single value.");

    internal static int? Line(YamlNode node) => node.Start.Line > 0 ? (int)node.Start.Line : null;

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
