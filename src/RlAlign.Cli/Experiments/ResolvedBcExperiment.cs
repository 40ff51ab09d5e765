using System.Text;
using RlAlign.Algorithms.Imitation;

namespace RlAlign.Cli.Experiments;

/// <summary>A behaviour-cloning experiment (<c>algo: bc</c>) with every setting decided: what its run records in config.yaml.</summary>
public sealed record ResolvedBcExperiment(string Name, string? Description, BcConfig Bc, RunSettings Run)
{
    public static bool IsBc(Experiment experiment) => experiment.Algo == BehaviorCloning.AlgorithmName;

    /// <summary>BcConfig's defaults, the experiment's settings on top, then validation; errors name the file or flag.</summary>
    public static ResolvedBcExperiment Resolve(Experiment experiment)
    {
        if (experiment.EnvOptions.Count > 0)
            throw new ConfigException(experiment.Origin, null, "bc does not take env_options: demonstrations are recorded on a registered env id as it is.");
        HashSet<string> runKeys = ConfigBinder.Keys<RunSettings>();
        RunSettings run = ConfigBinder.Bind(new RunSettings(), experiment.Settings.Where(kv => runKeys.Contains(kv.Key)).ToDictionary());
        BcConfig bc = ConfigBinder.Bind(new BcConfig(), experiment.Settings.Where(kv => !runKeys.Contains(kv.Key)).ToDictionary());
        try
        {
            bc.Validate();
            _ = Core.Envs.Make(bc.EnvId);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(experiment.Origin, null, e.Message);
        }
        if (run.CheckpointInterval <= 0)
            throw new ConfigException(experiment.Origin, null, $"checkpoint_interval must be > 0 epochs, got {run.CheckpointInterval}.");
        if (run.FinalEvalEpisodes < 0)
            throw new ConfigException(experiment.Origin, null, $"final_eval_episodes must be >= 0, got {run.FinalEvalEpisodes}.");
        return new ResolvedBcExperiment(experiment.Name ?? BehaviorCloning.AlgorithmName, experiment.Description, bc, run);
    }

    /// <summary>The resolved configuration as YAML that <see cref="Experiment.Load"/> reads back to the same settings.</summary>
    public string ToYaml(string? header = null)
    {
        StringBuilder yaml = YamlText.ExperimentHeader(header, Name, Description, BehaviorCloning.AlgorithmName);
        foreach ((string key, object? value) in ConfigBinder.Describe(Bc).Concat(ConfigBinder.Describe(Run)))
            yaml.Append(key).Append(": ").AppendLine(YamlText.Format(value));
        return yaml.ToString();
    }
}
