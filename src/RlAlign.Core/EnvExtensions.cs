using RlAlign.Core.Wrappers;

namespace RlAlign.Core;

/// <summary>The familiar Gymnasium calls, allocating fresh arrays (use the span overloads in hot loops).</summary>
public static class EnvExtensions
{
    public static float[] Reset(this IEnv env, ulong? seed = null, EnvOptions? options = null)
    {
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed, options);
        return observation;
    }

    public static (float[] Observation, double Reward, bool Terminated, bool Truncated) Step(this IEnv env, ReadOnlySpan<float> action)
    {
        var observation = new float[env.ObservationSpace.FlatSize];
        StepResult result = env.Step(action, observation);
        return (observation, result.Reward, result.Terminated, result.Truncated);
    }

    /// <summary>Steps a discrete-action env with the integer action.</summary>
    public static (float[] Observation, double Reward, bool Terminated, bool Truncated) Step(this IEnv env, int action)
        => env.Step([action]);

    /// <summary>The first wrapper of type <typeparamref name="T"/> in the chain from <paramref name="env"/> inward, or null.</summary>
    public static T? FindWrapper<T>(this IEnv env) where T : class, IEnv
    {
        for (IEnv? current = env; current is not null; current = (current as Wrapper)?.Env)
            if (current is T found) return found;
        return null;
    }
}
