using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.Classic;

/// <summary>
/// What the five classic control envs share: Gymnasium's <c>Env.reset(seed=...)</c> generator handling,
/// action checks, the float64 physics state that tests and the conformance command read and write, and
/// <see cref="IStateful"/> snapshots (physics state, generator state and each env's own counters).
/// </summary>
public abstract class ClassicControlEnv : IEnv, IStateful
{
    private NumpyGenerator? _random;
    private bool _hasState;

    /// <summary>The Gymnasium id used in messages when the env was built without <see cref="Envs.Make"/>.</summary>
    protected abstract string DefaultId { get; }

    /// <summary>How many float64 values <see cref="State"/> holds.</summary>
    protected abstract int StateLength { get; }

    public abstract Space ObservationSpace { get; }
    public abstract Space ActionSpace { get; }
    public EnvSpec? Spec { get; set; }
    public IEnv Unwrapped => this;

    /// <summary>Gymnasium's <c>env.unwrapped.state</c> as float64 values (a copy).</summary>
    public double[] State
    {
        get
        {
            var state = new double[StateLength];
            ReadPhysicsState(state);
            return state;
        }
    }

    /// <summary>The env generator (Gymnasium's <c>np_random</c>), or null before the first reset.</summary>
    public NumpyGenerator? Generator => _random;

    /// <summary>
    /// Replaces the physics state, e.g. with a recorded <c>state</c> from a conformance trace, so that the
    /// next <see cref="Step"/> continues from it (as assigning <c>env.unwrapped.state</c> does in Python).
    /// </summary>
    public void SetState(ReadOnlySpan<double> state)
    {
        if (state.Length != StateLength)
            throw new ArgumentException($"{DisplayName} state has {StateLength} values, got {state.Length}.", nameof(state));
        WritePhysicsState(state);
        _hasState = true;
    }

    public void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        EnsureObservationBuffer(observation);
        // Gymnasium's Env.reset: a seed re-creates np_random; without one the generator keeps going
        // (created from OS entropy the first time, as np_random is lazily).
        if (seed is ulong value) _random = NumpyGenerator.FromSeed(value);
        _random ??= NumpyGenerator.FromSeed((ulong)System.Random.Shared.NextInt64());
        ResetPhysics(_random, options);
        _hasState = true;
        WriteObservation(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (!_hasState) throw new InvalidOperationException($"{DisplayName}: call Reset before Step.");
        EnsureObservationBuffer(observation);
        return StepPhysics(action, observation);
    }

    /// <summary>Writes the observation of the current state (what Gymnasium's <c>_get_obs</c> returns).</summary>
    public abstract void WriteObservation(Span<float> observation);

    /// <summary>An rgb_array frame drawn as Gymnasium's pygame renderer draws it, or null before the first reset.</summary>
    public RenderFrame? Render() => _hasState ? Draw() : null;

    public void SaveState(BinaryWriter writer)
    {
        writer.Write(_random is not null);
        _random?.SaveState(writer);
        writer.Write(_hasState);
        Span<double> state = stackalloc double[StateLength];
        ReadPhysicsState(state);
        foreach (double value in state) writer.Write(value);
        SaveExtraState(writer);
    }

    public void LoadState(BinaryReader reader)
    {
        NumpyGenerator? random = null;
        if (reader.ReadBoolean())
        {
            random = NumpyGenerator.FromSeed(0);
            random.LoadState(reader);
        }
        bool hasState = reader.ReadBoolean();
        Span<double> state = stackalloc double[StateLength];
        for (int i = 0; i < state.Length; i++) state[i] = reader.ReadDouble();
        _random = random;
        _hasState = hasState;
        WritePhysicsState(state);
        LoadExtraState(reader);
    }

    public void Dispose() => GC.SuppressFinalize(this);

    /// <summary>The registered id when made through the registry, otherwise <see cref="DefaultId"/>.</summary>
    protected string DisplayName => Spec?.Id ?? DefaultId;

    /// <summary>Draws the initial state with <paramref name="random"/>, in the order Gymnasium draws it.</summary>
    protected abstract void ResetPhysics(NumpyGenerator random, EnvOptions? options);

    /// <summary>Advances the dynamics by one step and writes the observation.</summary>
    protected abstract StepResult StepPhysics(ReadOnlySpan<float> action, Span<float> observation);

    protected abstract void ReadPhysicsState(Span<double> state);
    protected abstract void WritePhysicsState(ReadOnlySpan<double> state);

    /// <summary>Saves counters and flags beyond the physics state (e.g. CartPole's steps_beyond_terminated).</summary>
    protected virtual void SaveExtraState(BinaryWriter writer) { }
    protected virtual void LoadExtraState(BinaryReader reader) { }

    protected abstract RenderFrame Draw();

    /// <summary>
    /// The integer of a discrete action, or a clear error naming the env, the action and the space
    /// (Gymnasium asserts <c>action_space.contains(action)</c>).
    /// </summary>
    protected int ReadDiscreteAction(ReadOnlySpan<float> action)
    {
        // Contains first, so the allocating message is only built on the error path.
        if (!ActionSpace.Contains(action)) ActionSpace.EnsureContains(action, $"{DisplayName} action");
        return (int)action[0];
    }

    /// <summary>
    /// The (unclipped) value of a one-element continuous action. Out-of-range values are the env's to
    /// clip, as in Gymnasium; NaN and infinities are rejected, since they would silently poison the state.
    /// </summary>
    protected float ReadContinuousAction(ReadOnlySpan<float> action)
    {
        if (action.Length != 1)
            throw new ArgumentException($"{DisplayName} action has {action.Length} values; {ActionSpace} expects 1.", nameof(action));
        float value = action[0];
        if (!float.IsFinite(value))
            throw new ArgumentException($"{DisplayName} action [{value}] is not a finite number; {ActionSpace} takes finite values (out-of-range ones are clipped).", nameof(action));
        return value;
    }

    private void EnsureObservationBuffer(Span<float> observation)
    {
        if (observation.Length < ObservationSpace.FlatSize)
            throw new ArgumentException($"{DisplayName} observation buffer has {observation.Length} floats; {ObservationSpace} needs {ObservationSpace.FlatSize}.", nameof(observation));
    }
}
