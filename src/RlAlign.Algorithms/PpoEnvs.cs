using RlAlign.Core;
using RlAlign.Core.Vector;
using RlAlign.Core.Wrappers;

namespace RlAlign.Algorithms;

/// <summary>The env stacks CleanRL's PPO scripts build, driven by a <see cref="PpoConfig"/>'s wrapper flags.</summary>
public static class PpoEnvs
{
    /// <summary>
    /// ppo_continuous_action.py's order: RecordEpisodeStatistics → ClipAction → NormalizeObservation →
    /// ClipObservation(±obs_clip) → reward_scale → NormalizeReward(gamma) → ClipReward(±reward_clip), each where its flag is on.
    /// RecordEpisodeStatistics is innermost so that reported returns are the env's own rewards.
    /// With the discrete defaults this is just RecordEpisodeStatistics (ppo.py).
    /// </summary>
    public static IEnv Wrap(IEnv env, PpoConfig config)
    {
        env = new RecordEpisodeStatistics(env);
        env = WrapActionsAndObservations(env, config);
        if (config.RewardScale != 1.0)
        {
            double scale = config.RewardScale;
            env = new TransformReward(env, reward => reward * scale);
        }
        if (config.NormalizeReward) env = new NormalizeReward(env, config.Gamma);
        if (config.RewardClip is double rewardClip) env = new ClipReward(env, -rewardClip, rewardClip);
        return env;
    }

    /// <summary><paramref name="config"/>.NumEnvs copies of its env, each wrapped by <see cref="Wrap"/>.</summary>
    public static IVectorEnv MakeVectorEnv(PpoConfig config, EnvOptions? options = null)
        => VectorEnvs.Make(config.EnvId, config.NumEnvs, config.VectorMode, options, env => Wrap(env, config));

    /// <summary>
    /// An evaluation env: the training stack without reward normalisation or clipping (returns are the
    /// env's own), and with observation normalisation frozen at <paramref name="observationStatistics"/>
    /// (the trained statistics; required when the config normalises observations).
    /// </summary>
    public static IEnv MakeEvaluationEnv(PpoConfig config, RunningMeanStd? observationStatistics, EnvOptions? options = null)
    {
        if (config.NormalizeObservation && observationStatistics is null)
            throw new ArgumentException("The config normalises observations, so evaluation needs the trained observation statistics.", nameof(observationStatistics));
        IEnv env = Core.Envs.Make(config.EnvId, options);
        try
        {
            env = WrapActionsAndObservations(env, config);
            if (env.FindWrapper<NormalizeObservation>() is { } normalize)
            {
                normalize.UpdateRunningStats = false;
                normalize.Statistics.Restore(observationStatistics!.Snapshot());
            }
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>The observation statistics of the first env of a vector env built by <see cref="Wrap"/>, or null without NormalizeObservation.</summary>
    public static RunningMeanStd? ObservationStatistics(IVectorEnv envs)
        => envs.GetEnv(0).FindWrapper<NormalizeObservation>()?.Statistics;

    private static IEnv WrapActionsAndObservations(IEnv env, PpoConfig config)
    {
        if (config.ClipAction) env = new ClipAction(env);
        if (config.NormalizeObservation) env = new NormalizeObservation(env);
        if (config.ObsClip is double obsClip) env = new ClipObservation(env, (float)-obsClip, (float)obsClip);
        return env;
    }
}
