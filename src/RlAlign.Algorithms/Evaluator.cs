using RlAlign.Core;
using RlAlign.Policies;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>Per-episode results of an evaluation: the env's own returns (no reward normalisation) and lengths.</summary>
public sealed record EvaluationResult(IReadOnlyList<double> Returns, IReadOnlyList<int> Lengths)
{
    public double MeanReturn => Returns.Count == 0 ? double.NaN : Returns.Average();

    /// <summary>Population standard deviation of the returns.</summary>
    public double StdReturn
    {
        get
        {
            if (Returns.Count == 0) return double.NaN;
            double mean = MeanReturn;
            return Math.Sqrt(Returns.Sum(r => (r - mean) * (r - mean)) / Returns.Count);
        }
    }

    public double MeanLength => Lengths.Count == 0 ? double.NaN : Lengths.Average();
}

/// <summary>
/// Runs a trained policy for whole episodes on a fresh env built like the training envs, but with
/// observation normalisation frozen at the trained statistics (those of training env 0) and without
/// reward normalisation or clipping, so returns are the env's own.
/// </summary>
public static class Evaluator
{
    /// <summary>Evaluates a trainer's current policy.</summary>
    /// <param name="deterministic">Greedy actions (argmax / Gaussian mean) when true; sampled actions otherwise.</param>
    /// <param name="seed">Seeds the first reset of the evaluation env and the action sampling.</param>
    /// <param name="envOptions">Options for <c>Envs.Make</c> (e.g. those the training envs were made with).</param>
    public static EvaluationResult Evaluate(PpoTrainer trainer, int episodes, bool deterministic = true, ulong seed = 0, CancellationToken cancellationToken = default, EnvOptions? envOptions = null)
    {
        using IEnv env = PpoEnvs.MakeEvaluationEnv(trainer.Config, PpoEnvs.ObservationStatistics(trainer.Envs), envOptions);
        return Evaluate(trainer.Policy, env, episodes, deterministic, seed, cancellationToken);
    }

    /// <summary>Evaluates the policy stored in a PPO checkpoint (with its observation statistics).</summary>
    /// <param name="device">Overrides the checkpoint's device setting (e.g. evaluate a GPU run on the CPU).</param>
    public static EvaluationResult EvaluateCheckpoint(string path, int episodes, bool deterministic = true, ulong seed = 0, string? device = null, CancellationToken cancellationToken = default, EnvOptions? envOptions = null)
    {
        using PpoTrainer trainer = PpoTrainer.FromCheckpoint(path, adjust: device is null ? null : config => config with { Device = device });
        return Evaluate(trainer, episodes, deterministic, seed, cancellationToken, envOptions);
    }

    /// <summary>
    /// Runs <paramref name="policy"/> on <paramref name="env"/> for <paramref name="episodes"/> episodes. The env is
    /// reset with <paramref name="seed"/> once, then continues its own random stream (Gymnasium's convention).
    /// </summary>
    public static EvaluationResult Evaluate(PpoPolicy policy, IEnv env, int episodes, bool deterministic = true, ulong seed = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(episodes);
        if (env.ObservationSpace.FlatSize != policy.ObservationSize || env.ActionSpace.FlatSize != policy.ActionSize)
            throw new ArgumentException($"The policy takes {policy.ObservationSize} observation and {policy.ActionSize} action values, but the env has {env.ObservationSpace.FlatSize} and {env.ActionSpace.FlatSize}.");
        var observation = new float[policy.ObservationSize];
        var action = new float[policy.ActionSize];
        var returns = new List<double>(episodes);
        var lengths = new List<int>(episodes);
        using var actor = new PolicyActor(policy, deterministic, seed);
        for (int episode = 0; episode < episodes; episode++)
        {
            env.Reset(observation, episode == 0 ? seed : null);
            actor.StartEpisode();
            double episodeReturn = 0;
            int length = 0;
            StepResult result;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                actor.Act(observation, action);
                result = env.Step(action, observation);
                episodeReturn += result.Reward;
                length++;
            }
            while (!result.Done);
            returns.Add(episodeReturn);
            lengths.Add(length);
        }
        return new EvaluationResult(returns, lengths);
    }
}
