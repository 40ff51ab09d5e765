namespace RlAlign.Core.Wrappers;

/// <summary>
/// Gymnasium's <c>ObservationWrapper</c>: every observation the inner env returns, from <c>Reset</c>
/// and <c>Step</c>, passes through <see cref="Observation"/>. The inner observation goes to a buffer of
/// this wrapper, so the outer observation may have another size and the transform never sees aliasing.
/// </summary>
public abstract class ObservationWrapper : Wrapper
{
    private readonly float[] _innerObservation;

    protected ObservationWrapper(IEnv env) : base(env) => _innerObservation = new float[env.ObservationSpace.FlatSize];

    public override void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        Env.Reset(_innerObservation, seed, options);
        Observation(_innerObservation, observation);
    }

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, _innerObservation);
        Observation(_innerObservation, observation);
        return result;
    }

    /// <summary>Writes the outer observation (<c>ObservationSpace.FlatSize</c> floats) for an inner one.</summary>
    protected abstract void Observation(ReadOnlySpan<float> observation, Span<float> destination);
}
