using System.Text;
using RlAlign.Alignment.Pipeline;
using RlAlign.Alignment.Training;
using YamlDotNet.RepresentationModel;

namespace RlAlign.Cli.Experiments;

/// <summary>
/// An experiment for <c>rlalign align</c>, in one of two forms:
/// <list type="bullet">
/// <item>a built-in task (<c>task: arithmetic</c>): SFT on the task's demonstrations, then rounds of iterative DPO
/// (<c>algo: dpo</c>) or APO (<c>algo: apo</c>) scored by the task's oracle (<see cref="TaskAlignmentConfig"/>);</item>
/// <item>a user's data (<c>train_file: prefs.jsonl</c>, <c>model: FOLDER</c>): SFT (<c>algo: sft</c>) or DPO
/// (<c>algo: dpo</c>) of a Hugging Face GPT-2 folder on TRL-format JSONL (<see cref="DatasetAlignmentConfig"/>).</item>
/// </list>
/// Nested blocks (<c>sft:</c>, <c>dpo:</c>, <c>preference:</c> with its own <c>dpo:</c>) take TRL's setting names;
/// <c>--set preference.dpo.beta=0.2</c> reaches into them.
/// </summary>
public sealed record ResolvedAlignExperiment(string Name, string? Description, AlignmentAlgorithm Algorithm, TaskAlignmentConfig? Task, DatasetAlignmentConfig? Data)
{
    public static readonly string[] Algorithms = ["sft", "dpo", "apo"];

    public bool IsTask => Task is not null;

    public int Seed => Task?.Seed ?? Data!.Seed;

    /// <summary>What the run folder is named after: the task, or the training file.</summary>
    public string Subject => Task?.Task ?? Path.GetFileNameWithoutExtension(Data!.TrainFile);

    /// <summary>True for experiments this command runs (those with a task or a train_file).</summary>
    public static bool IsAlignment(Experiment experiment) => experiment.Settings.ContainsKey("task") || experiment.Settings.ContainsKey("train_file");

    public static ResolvedAlignExperiment Resolve(Experiment experiment)
    {
        AlignmentAlgorithm algorithm = experiment.Algo switch
        {
            "sft" => AlignmentAlgorithm.Sft,
            "dpo" => AlignmentAlgorithm.Dpo,
            "apo" => AlignmentAlgorithm.Apo,
            _ => throw new ConfigException(experiment.Origin, null, $"rlalign align runs algo sft, dpo or apo, not '{experiment.Algo}'."),
        };
        if (experiment.EnvOptions.Count > 0)
            throw new ConfigException(experiment.Origin, null, "alignment experiments have no environment; remove env_options.");
        string name = experiment.Name ?? experiment.Algo;
        var (flat, blocks) = Split(experiment.Settings, ["sft", "dpo", "preference"]);
        if (flat.ContainsKey("task") && flat.ContainsKey("train_file"))
            throw new ConfigException(experiment.Origin, flat["train_file"].Line, "set either task (a built-in task) or train_file (your data), not both.");
        try
        {
            if (flat.ContainsKey("task"))
            {
                if (blocks.ContainsKey("dpo"))
                    throw new ConfigException(experiment.Origin, null, "a task experiment takes its DPO settings in preference: { dpo: { ... } }, not a top-level dpo block.");
                var (preferenceFlat, preferenceBlocks) = Split(blocks.GetValueOrDefault("preference") ?? [], ["dpo"]);
                var defaults = new TaskAlignmentConfig();
                TaskAlignmentConfig config = ConfigBinder.Bind(defaults, flat) with
                {
                    Sft = ConfigBinder.Bind(defaults.Sft, blocks.GetValueOrDefault("sft") ?? []),
                    Preference = ConfigBinder.Bind(defaults.Preference, preferenceFlat) with
                    {
                        Dpo = ConfigBinder.Bind(defaults.Preference.Dpo, preferenceBlocks.GetValueOrDefault("dpo") ?? []),
                    },
                };
                config.Validate();
                return new ResolvedAlignExperiment(name, experiment.Description, algorithm, config, null);
            }
            if (flat.ContainsKey("train_file"))
            {
                if (algorithm == AlignmentAlgorithm.Apo)
                    throw new ConfigException(experiment.Origin, null, "apo samples from the model and needs a preference oracle: use a built-in task (task: NAME), or algo: dpo on your pairs.");
                if (blocks.ContainsKey("preference"))
                    throw new ConfigException(experiment.Origin, null, "preference: belongs to task experiments; on your data use an sft: or dpo: block.");
                var defaults = new DatasetAlignmentConfig();
                DatasetAlignmentConfig config = ConfigBinder.Bind(defaults, flat) with
                {
                    Sft = ConfigBinder.Bind(defaults.Sft, blocks.GetValueOrDefault("sft") ?? []),
                    Dpo = ConfigBinder.Bind(defaults.Dpo, blocks.GetValueOrDefault("dpo") ?? []),
                };
                config.Validate();
                return new ResolvedAlignExperiment(name, experiment.Description, algorithm, null, config);
            }
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(experiment.Origin, null, e.Message);
        }
        throw new ConfigException(experiment.Origin, null,
            $"an alignment experiment names a built-in task (task: {string.Join(" | ", Alignment.Tasks.AlignmentTasks.Names)}) or your data (train_file: FILE.jsonl with model: FOLDER).");
    }

    /// <summary>The resolved configuration as YAML that <see cref="Experiment.Load"/> and <see cref="Resolve"/> read back to the same settings.</summary>
    public string ToYaml(string? header = null)
    {
        StringBuilder yaml = YamlText.ExperimentHeader(header, Name, Description, ConfigBinder.ToSnakeCase(Algorithm.ToString()));
        object config = (object?)Task ?? Data!;
        AppendSettings(yaml, config, indent: "");
        return yaml.ToString();
    }

    // Nested config records become indented blocks; everything else is a scalar or a flow list.
    private static void AppendSettings(StringBuilder yaml, object config, string indent)
    {
        foreach ((string key, object? value) in ConfigBinder.Describe(config))
        {
            if (value is TrainingConfig or ApoConfig)
            {
                yaml.Append(indent).Append(key).AppendLine(":");
                AppendSettings(yaml, value, indent + "  ");
            }
            else
            {
                yaml.Append(indent).Append(key).Append(": ").AppendLine(YamlText.Format(value));
            }
        }
    }

    /// <summary>
    /// Separates the settings of nested blocks from the flat ones: a block is a YAML mapping under its name, and a dotted
    /// key (<c>sft.learning_rate</c>, from <c>--set</c>) sets one entry of it, after the mapping's own entries.
    /// </summary>
    private static (Dictionary<string, Setting> Flat, Dictionary<string, Dictionary<string, Setting>> Blocks) Split(
        IReadOnlyDictionary<string, Setting> settings, IReadOnlyList<string> blockNames)
    {
        var flat = new Dictionary<string, Setting>(StringComparer.Ordinal);
        var blocks = new Dictionary<string, Dictionary<string, Setting>>(StringComparer.Ordinal);
        Dictionary<string, Setting> Block(string name) => blocks.TryGetValue(name, out var block) ? block : blocks[name] = new(StringComparer.Ordinal);
        foreach ((string key, Setting setting) in settings.Where(s => !s.Key.Contains('.')))
        {
            if (!blockNames.Contains(key))
            {
                flat[key] = setting;
                continue;
            }
            if (setting.Value is YamlScalarNode { Value: null or "" or "null" or "~" }) continue;
            if (setting.Value is not YamlMappingNode mapping)
                throw new ConfigException(setting.Origin, setting.Line, $"'{key}' must be a mapping of settings, e.g. {key}: {{ learning_rate: 1.0e-4 }}.");
            Dictionary<string, Setting> block = Block(key);
            foreach ((YamlNode childKey, YamlNode childValue) in mapping.Children)
                block[((YamlScalarNode)childKey).Value ?? ""] = new Setting(childValue, setting.Origin, Experiment.Line(childKey));
        }
        foreach ((string key, Setting setting) in settings.Where(s => s.Key.Contains('.')))
        {
            string block = key[..key.IndexOf('.')];
            if (!blockNames.Contains(block))
                throw new ConfigException(setting.Origin, setting.Line, $"'{key}': there is no '{block}' block here; blocks are {string.Join(", ", blockNames)}.");
            Block(block)[key[(block.Length + 1)..]] = setting;
        }
        return (flat, blocks);
    }
}

/// <summary>
/// SFT or DPO of a Hugging Face GPT-2 folder on a TRL-format JSONL file; the <c>sft:</c> or <c>dpo:</c> block holds the
/// trainer's settings. Checkpoints (every <c>save_steps</c>) always go to the run folder's <c>checkpoints/</c>, whatever
/// <c>output_dir</c> says, so that <c>--resume</c> finds them.
/// </summary>
public sealed record DatasetAlignmentConfig
{
    /// <summary>A Hugging Face GPT-2 folder: config.json, model.safetensors, and vocab.json + merges.txt (or char_tokenizer.json).</summary>
    public string Model { get; init; } = "";

    public string TrainFile { get; init; } = "";

    /// <summary>A held-out JSONL file of the same format, evaluated every eval_steps; optional.</summary>
    public string? EvalFile { get; init; }

    /// <summary>Skip lines that are not valid rows (counted and reported) instead of stopping at the first.</summary>
    public bool SkipInvalidLines { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>libtorch's intra-op threads; raise it for larger models on an otherwise idle machine.</summary>
    public int TorchThreads { get; init; } = 1;

    public SftTrainingConfig Sft { get; init; } = new();

    public DpoTrainingConfig Dpo { get; init; } = new();

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("model must name a Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer files).");
        if (string.IsNullOrWhiteSpace(TrainFile)) throw new ArgumentException("train_file must name a JSONL file.");
        if (TorchThreads < 1) throw new ArgumentException($"torch_threads must be >= 1, got {TorchThreads}.");
        // Checkpoints go to the run folder, which the command fills in as output_dir.
        (Sft with { OutputDir = Sft.OutputDir ?? "checkpoints" }).Validate();
        (Dpo with { OutputDir = Dpo.OutputDir ?? "checkpoints" }).Validate();
    }
}
