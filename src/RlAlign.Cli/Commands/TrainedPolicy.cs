using RlAlign.Algorithms;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;
using RlAlign.Core;
using RlAlign.Core.Vector;

namespace RlAlign.Cli.Commands;

/// <summary>A trained policy restored into a trainer, with the env options its run used (for <c>eval</c> and <c>render</c>).</summary>
internal sealed class TrainedPolicy : IDisposable
{
    private readonly IDisposable? _ownedEnvs;

    private TrainedPolicy(PpoTrainer trainer, IDisposable? ownedEnvs, EnvOptions envOptions, string checkpoint)
    {
        Trainer = trainer;
        _ownedEnvs = ownedEnvs;
        EnvOptions = envOptions;
        Checkpoint = checkpoint;
    }

    public PpoTrainer Trainer { get; }
    public EnvOptions EnvOptions { get; }
    public string Checkpoint { get; }

    /// <summary>True when <paramref name="target"/> names a run folder or a checkpoint file rather than, say, an env id.</summary>
    public static bool Exists(string target) => File.Exists(target) || Directory.Exists(target);

    /// <summary>Restores the policy of a run folder (built with the run's env options) or of a checkpoint file.</summary>
    public static TrainedPolicy Load(string target, string? device)
    {
        if (File.Exists(target))
            return new TrainedPolicy(PpoTrainer.FromCheckpoint(target, adjust: device is null ? null : config => config with { Device = device }), null, new EnvOptions(), target);
        if (!Directory.Exists(target))
            throw new FileNotFoundException($"'{target}' is neither a run folder nor a checkpoint file.");

        RunFolder run = RunFolder.Open(target);
        string checkpoint = run.BestAvailableCheckpoint() ?? throw new FileNotFoundException($"Run folder '{target}' has no checkpoint yet.");
        Experiment experiment = Experiment.Load(run.ConfigPath);
        if (device is not null) experiment.Set("device", device, "--device");
        ResolvedExperiment resolved = ResolvedExperiment.Resolve(experiment);
        IVectorEnv envs = PpoEnvs.MakeVectorEnv(resolved.Ppo, resolved.EnvOptions.Clone());
        PpoTrainer? trainer = null;
        try
        {
            trainer = new PpoTrainer(resolved.Ppo, envs);
            trainer.LoadCheckpoint(checkpoint);
            return new TrainedPolicy(trainer, envs, resolved.EnvOptions, checkpoint);
        }
        catch
        {
            trainer?.Dispose();
            envs.Dispose();
            throw;
        }
    }

    /// <summary>The env the policy was trained on, wrapped for evaluation (frozen observation statistics, the env's own rewards).</summary>
    public IEnv MakeEvaluationEnv()
        => PpoEnvs.MakeEvaluationEnv(Trainer.Config, PpoEnvs.ObservationStatistics(Trainer.Envs), EnvOptions.Clone());

    public void Dispose()
    {
        Trainer.Dispose();
        _ownedEnvs?.Dispose();
    }
}
