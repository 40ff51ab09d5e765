using RlAlign.Core.Spaces;

namespace RlAlign.Core.Wrappers;

/// <summary>
/// Gymnasium's <c>ClipAction</c>: clips each action to the inner env's <see cref="Box"/> bounds, and
/// presents an unbounded Box of the same shape as its own action space (so any action is accepted).
/// </summary>
public sealed class ClipAction : ActionWrapper
{
    private readonly Box _innerSpace;

    public ClipAction(IEnv env) : base(env)
    {
        _innerSpace = env.ActionSpace as Box
            ?? throw new ArgumentException($"ClipAction needs a Box action space, but the env's action space is {env.ActionSpace}.", nameof(env));
        ActionSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, [.. _innerSpace.Shape], _innerSpace.DType);
    }

    public override Space ActionSpace { get; }

    protected override void Action(ReadOnlySpan<float> action, Span<float> destination)
    {
        if (action.Length != destination.Length)
            throw new ArgumentException($"ClipAction got an action of {action.Length} values; {ActionSpace} expects {destination.Length}.", nameof(action));
        float[] low = _innerSpace.Low, high = _innerSpace.High;
        for (int i = 0; i < destination.Length; i++) destination[i] = Math.Clamp(action[i], low[i], high[i]);
    }
}
