using RlAlign.Core.Spaces;

namespace RlAlign.Core.Wrappers;

/// <summary>Gymnasium's <c>Wrapper</c>: forwards everything to <see cref="Env"/> unless overridden.</summary>
public abstract class Wrapper(IEnv env) : IEnv
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

    public virtual void Dispose()
    {
        Env.Dispose();
        GC.SuppressFinalize(this);
    }
}
