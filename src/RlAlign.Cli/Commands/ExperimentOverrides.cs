using System.CommandLine;
using RlAlign.Cli.Experiments;

namespace RlAlign.Cli.Commands;

/// <summary>The flags that change an experiment's settings, shared by <c>train</c> and <c>bench</c>.</summary>
public sealed class ExperimentOverrides
{
    public Option<string?> Env { get; } = new("--env") { Description = "Environment id (see `rlalign envs`); sets env_id." };
    public Option<string?> Algo { get; } = new("--algo") { Description = "Algorithm (see `rlalign algos`)." };
    public Option<long?> Seed { get; } = new("--seed") { Description = "Random seed of the run." };
    public Option<string?> TotalSteps { get; } = new("--total-steps") { Description = "Environment steps to train for (total_timesteps), e.g. 500000 or 5e5." };
    public Option<string?> Device { get; } = new("--device") { Description = "cpu, cuda, cuda:N or auto (CUDA when TorchSharp finds it)." };
    public Option<string[]> Set { get; } = new("--set") { Description = "Override any setting: --set key=value (repeatable), e.g. --set learning_rate=3e-4 --set env_options.g=9.81.", AllowMultipleArgumentsPerToken = false };

    public void AddTo(Command command)
    {
        command.Options.Add(Env);
        command.Options.Add(Algo);
        command.Options.Add(Seed);
        command.Options.Add(TotalSteps);
        command.Options.Add(Device);
        command.Options.Add(Set);
    }

    public bool AnyGiven(ParseResult parseResult)
        => parseResult.GetValue(Env) is not null || parseResult.GetValue(Algo) is not null || parseResult.GetValue(Seed) is not null
           || parseResult.GetValue(TotalSteps) is not null || parseResult.GetValue(Device) is not null || (parseResult.GetValue(Set)?.Length ?? 0) > 0;

    /// <summary>Applies the flags in a fixed order: the named flags first, then each --set as written.</summary>
    public void Apply(ParseResult parseResult, Experiment experiment)
    {
        if (parseResult.GetValue(Algo) is string algo) experiment.Set("algo", algo, "--algo");
        if (parseResult.GetValue(Env) is string env) experiment.Set("env_id", env, "--env");
        if (parseResult.GetValue(Seed) is long seed) experiment.Set("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed");
        if (parseResult.GetValue(TotalSteps) is string steps) experiment.Set("total_timesteps", steps, "--total-steps");
        if (parseResult.GetValue(Device) is string device) experiment.Set("device", device, "--device");
        foreach (string assignment in parseResult.GetValue(Set) ?? []) experiment.Set(assignment);
    }
}
