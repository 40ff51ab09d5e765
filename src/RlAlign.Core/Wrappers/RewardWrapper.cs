namespace RlAlign.Core.Wrappers;

/// <summary>Gymnasium's <c>RewardWrapper</c>: every reward passes through <see cref="Reward"/>.</summary>
public abstract class RewardWrapper(IEnv env) : Wrapper(env)
{
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        return result with { Reward = Reward(result.Reward) };
    }

    protected abstract double Reward(double reward);
}
