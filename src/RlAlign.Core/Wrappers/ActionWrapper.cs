namespace RlAlign.Core.Wrappers;

/// <summary>Gymnasium's <c>ActionWrapper</c>: every action passes through <see cref="Action"/> before the inner env sees it.</summary>
public abstract class ActionWrapper : Wrapper
{
    private readonly float[] _innerAction;

    protected ActionWrapper(IEnv env) : base(env) => _innerAction = new float[env.ActionSpace.FlatSize];

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        Action(action, _innerAction);
        return Env.Step(_innerAction, observation);
    }

    /// <summary>Writes the inner env's action (<c>Env.ActionSpace.FlatSize</c> floats) for an outer one.</summary>
    protected abstract void Action(ReadOnlySpan<float> action, Span<float> destination);
}
