using RlAlign.Core.Spaces;

namespace RlAlign.Core.Vector;

/// <summary>
/// N copies of an env stepped together (Gymnasium's vector env, same-step autoreset as in SB3/CleanRL).
/// Observations of all envs live in one contiguous buffer: env i's observation is
/// <c>Observations[i*ObservationSize .. (i+1)*ObservationSize)</c>. When env i ends an episode
/// (terminated or truncated) during <see cref="Step"/>, its last observation is copied to
/// <see cref="FinalObservations"/> (same layout) and the env is reset at once, so
/// <see cref="Observations"/> already holds the first observation of the next episode, while
/// <see cref="Rewards"/>, <see cref="Terminations"/> and <see cref="Truncations"/> hold the values of the step.
/// Stepping allocates nothing. <see cref="VectorEnv"/> implements all of this once; its subclasses
/// <see cref="SyncVectorEnv"/> and <see cref="ThreadedVectorEnv"/> differ only in how they dispatch the envs.
/// </summary>
public interface IVectorEnv : IDisposable
{
    int NumEnvs { get; }
    Space SingleObservationSpace { get; }
    Space SingleActionSpace { get; }

    /// <summary>Floats per observation (<c>SingleObservationSpace.FlatSize</c>).</summary>
    int ObservationSize { get; }

    /// <summary>Floats per action (<c>SingleActionSpace.FlatSize</c>; 1 for a discrete action).</summary>
    int ActionSize { get; }

    float[] Observations { get; }
    double[] Rewards { get; }
    bool[] Terminations { get; }
    bool[] Truncations { get; }

    /// <summary>
    /// The last observation of each env whose episode ended in the latest step; slices of the other envs
    /// hold older values, so read slice i only where <c>Terminations[i] || Truncations[i]</c>.
    /// </summary>
    float[] FinalObservations { get; }

    /// <summary>
    /// Resets every env; with a seed, env i is reset with <c>seed + i</c> (Gymnasium's convention), without
    /// one each env keeps drawing from its own generator. Clears rewards and flags.
    /// </summary>
    void Reset(ulong? seed = null);

    /// <summary>
    /// Steps every env with its slice of <paramref name="actions"/> (<c>NumEnvs * ActionSize</c> floats).
    /// An env's exception surfaces as a <see cref="VectorEnvException"/> naming the env; reset before stepping on.
    /// </summary>
    void Step(ReadOnlySpan<float> actions);

    /// <summary>Env <paramref name="index"/> (with its wrappers), e.g. to read its episode statistics.</summary>
    IEnv GetEnv(int index);
}
