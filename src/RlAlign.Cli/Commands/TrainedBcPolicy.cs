using RlAlign.Algorithms;
using RlAlign.Algorithms.Imitation;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;
using RlAlign.Core;
using RlAlign.Policies.Language;
using TorchSharp;

namespace RlAlign.Cli.Commands;

/// <summary>A behaviour-cloning policy restored from a bc run folder or checkpoint (for <c>eval</c> and <c>render</c>).</summary>
internal sealed class TrainedBcPolicy : IDisposable
{
    private TrainedBcPolicy(BabyAIPolicy policy, string envId, int epoch, string checkpoint)
    {
        Policy = policy;
        EnvId = envId;
        Epoch = epoch;
        Checkpoint = checkpoint;
    }

    public BabyAIPolicy Policy { get; }
    public string EnvId { get; }
    public int Epoch { get; }
    public string Checkpoint { get; }

    /// <summary>True when <paramref name="target"/> is a run folder of a bc run or a checkpoint written by bc.</summary>
    public static bool IsBc(string target)
    {
        if (RunFolder.LooksLikeRunFolder(target))
            return ResolvedBcExperiment.IsBc(Experiment.Load(RunFolder.Open(target).ConfigPath));
        return File.Exists(target) && CheckpointFile.ReadAlgorithm(target) == BehaviorCloning.AlgorithmName;
    }

    /// <summary>
    /// Restores the policy of a bc run folder (its final or latest checkpoint, on the run's device) or of a bc checkpoint
    /// (on the CPU); <paramref name="device"/> overrides either.
    /// </summary>
    public static TrainedBcPolicy Load(string target, string? device)
    {
        string checkpoint = target;
        string? expectedEnvId = null;
        if (Directory.Exists(target))
        {
            RunFolder run = RunFolder.Open(target);
            checkpoint = run.BestAvailableCheckpoint() ?? throw new FileNotFoundException($"Run folder '{target}' has no checkpoint yet.");
            ResolvedBcExperiment experiment = ResolvedBcExperiment.Resolve(Experiment.Load(run.ConfigPath));
            expectedEnvId = experiment.Bc.EnvId;
            device ??= experiment.Bc.Device;
        }
        (BabyAIPolicy policy, string envId, int epoch) = BehaviorCloning.LoadPolicy(checkpoint);
        try
        {
            if (expectedEnvId is not null && envId != expectedEnvId)
                throw new CheckpointException(checkpoint, $"is from env '{envId}', but its run folder's config.yaml trains on '{expectedEnvId}'.");
            policy.to(TorchDevices.Resolve(device ?? "cpu"));
            return new TrainedBcPolicy(policy, envId, epoch, checkpoint);
        }
        catch
        {
            policy.Dispose();
            throw;
        }
    }

    /// <summary>The registered env the policy was trained on (bc runs take no env options).</summary>
    public IEnv MakeEnv() => Core.Envs.Make(EnvId);

    public void Dispose() => Policy.Dispose();
}
