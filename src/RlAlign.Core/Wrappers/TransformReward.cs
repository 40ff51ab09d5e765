namespace RlAlign.Core.Wrappers;

/// <summary>Gymnasium's <c>TransformReward</c>: applies <c>transform</c> to each reward.</summary>
public sealed class TransformReward(IEnv env, Func<double, double> transform) : RewardWrapper(env)
{
    private readonly Func<double, double> _transform = transform ?? throw new ArgumentNullException(nameof(transform), "TransformReward needs a transform.");

    protected override double Reward(double reward) => _transform(reward);
}
