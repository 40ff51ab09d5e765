using RlAlign.Core.Spaces;

namespace RlAlign.Core.Wrappers;

/// <summary>
/// Gymnasium's <c>Wrapper</c>: forwards everything to <see cref="Env"/> unless overridden.
/// Its <see cref="IStateful"/> state is the wrapper's own (<see cref="SaveOwnState"/>) followed by the
/// inner env's, so a whole chain saves and restores as one; a wrapper that keeps state between steps
/// must override <see cref="SaveOwnState"/> and <see cref="LoadOwnState"/>.
/// </summary>
public abstract class Wrapper(IEnv env) : IEnv, IStateful
{
    public IEnv Env { get; } = env;
    public virtual Space ObservationSpace => Env.ObservationSpace;
    public virtual Space ActionSpace => Env.ActionSpace;

    public EnvSpec? Spec
    {
        get => Env.Spec;
        set => Env.Spec = value;
    }

    public IEnv Unwrapped => Env.Unwrapped;

    public virtual void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
        => Env.Reset(observation, seed, options);

    public virtual StepResult Step(ReadOnlySpan<float> action, Span<float> observation) => Env.Step(action, observation);

    public virtual RenderFrame? Render() => Env.Render();

    /// <summary>
    /// True when every env in the chain can save its state. (Every wrapper is <see cref="IStateful"/>, so
    /// <c>env is IStateful</c> alone does not tell whether <see cref="SaveState"/> will succeed.)
    /// </summary>
    public bool CanSaveState => Env is Wrapper inner ? inner.CanSaveState : Env is IStateful;

    /// <summary>
    /// Writes this wrapper's state, then the inner env's. Throws <see cref="NotSupportedException"/> naming
    /// the inner env when some env in the chain does not implement <see cref="IStateful"/>.
    /// </summary>
    public void SaveState(BinaryWriter writer)
    {
        // The type tag makes loading into a differently built chain fail loudly instead of misreading bytes.
        writer.Write(GetType().Name);
        SaveOwnState(writer);
        Env.SaveEnvState(writer);
    }

    public void LoadState(BinaryReader reader)
    {
        string savedBy = reader.ReadString();
        if (savedBy != GetType().Name)
            throw new InvalidDataException($"The state was saved by a {savedBy} wrapper, but is being loaded into a {GetType().Name}: the wrapper chains differ.");
        LoadOwnState(reader);
        Env.LoadEnvState(reader);
    }

    /// <summary>Writes the state this wrapper keeps between steps (nothing, unless overridden).</summary>
    protected virtual void SaveOwnState(BinaryWriter writer) { }

    /// <summary>Reads back what <see cref="SaveOwnState"/> wrote.</summary>
    protected virtual void LoadOwnState(BinaryReader reader) { }

    public virtual void Dispose()
    {
        Env.Dispose();
        GC.SuppressFinalize(this);
    }
}
