using System.Text;
using RlAlign.Algorithms;
using RlAlign.Cli.Commands;
using RlAlign.Core;
using RlAlign.Core.Spaces;

namespace RlAlign.Cli.Experiments;

/// <summary>An experiment with every setting decided: what a run records in its config.yaml.</summary>
public sealed record ResolvedExperiment(
    string Name,
    string Algo,
    string? Description,
    PpoConfig Ppo,
    RunSettings Run,
    EnvOptions EnvOptions,
    IReadOnlyDictionary<string, object?> EnvOptionValues)
{
    /// <summary>
    /// Decides every setting: the algorithm's defaults (CleanRL's discrete or continuous ones, by the env's
    /// action space), then the experiment's settings on top, then validation.
    /// </summary>
    public static ResolvedExperiment Resolve(Experiment experiment)
    {
        string algo = AlgorithmCatalog.Require(experiment.Algo);
        if (ResolvedBcExperiment.IsBc(experiment))
            throw new ConfigException(experiment.Origin, null, "a bc experiment is trained and evaluated by `rlalign train` (eval, render and bench of bc runs are not supported yet).");
        string envId = experiment.GetString("env_id") ?? new PpoConfig().EnvId;
        EnvOptions envOptions = experiment.BuildEnvOptions();
        PpoConfig defaults;
        using (IEnv probe = Core.Envs.Make(envId, envOptions.Clone()))
            defaults = probe.ActionSpace is Box ? PpoConfig.ContinuousDefaults : new PpoConfig();

        HashSet<string> runKeys = ConfigBinder.Keys<RunSettings>();
        RunSettings run = ConfigBinder.Bind(new RunSettings(),
            experiment.Settings.Where(kv => runKeys.Contains(kv.Key)).ToDictionary());
        PpoConfig ppo = ConfigBinder.Bind(defaults with { EnvId = envId },
            experiment.Settings.Where(kv => !runKeys.Contains(kv.Key)).ToDictionary());
        try
        {
            ppo.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(experiment.Origin, null, e.Message);
        }
        if (run.CheckpointInterval <= 0)
            throw new ConfigException(experiment.Origin, null, $"checkpoint_interval must be > 0 iterations, got {run.CheckpointInterval}.");
        if (run.FinalEvalEpisodes < 0)
            throw new ConfigException(experiment.Origin, null, $"final_eval_episodes must be >= 0, got {run.FinalEvalEpisodes}.");

        var optionValues = envOptions.Keys.ToDictionary(k => k, k => envOptions[k], StringComparer.Ordinal);
        return new ResolvedExperiment(experiment.Name ?? algo, algo, experiment.Description, ppo, run, envOptions, optionValues);
    }

    /// <summary>The resolved configuration as YAML that <see cref="Experiment.Load"/> reads back to the same settings.</summary>
    public string ToYaml(string? header = null)
    {
        StringBuilder yaml = YamlText.ExperimentHeader(header, Name, Description, Algo);
        foreach ((string key, object? value) in ConfigBinder.Describe(Ppo).Concat(ConfigBinder.Describe(Run)))
            yaml.Append(key).Append(": ").AppendLine(YamlText.Format(value));
        if (EnvOptionValues.Count > 0)
        {
            yaml.AppendLine("env_options:");
            foreach ((string key, object? value) in EnvOptionValues)
                yaml.Append("  ").Append(key).Append(": ").AppendLine(YamlText.Format(value));
        }
        return yaml.ToString();
    }
}
