namespace RlAlign.Core.Wrappers;

/// <summary>Gymnasium's <c>ClipReward</c>: clips each reward to [min, max]; either bound may be left open (null).</summary>
public sealed class ClipReward : RewardWrapper
{
    public ClipReward(IEnv env, double? minReward = null, double? maxReward = null) : base(env)
    {
        if (minReward is null && maxReward is null)
            throw new ArgumentException("ClipReward needs a minReward, a maxReward or both; got neither.");
        if (minReward is double min && double.IsNaN(min)) throw new ArgumentException("ClipReward got minReward = NaN.", nameof(minReward));
        if (maxReward is double max && double.IsNaN(max)) throw new ArgumentException("ClipReward got maxReward = NaN.", nameof(maxReward));
        if (minReward > maxReward)
            throw new ArgumentException($"ClipReward needs minReward <= maxReward, got {minReward} and {maxReward}.");
        MinReward = minReward ?? double.NegativeInfinity;
        MaxReward = maxReward ?? double.PositiveInfinity;
    }

    public double MinReward { get; }
    public double MaxReward { get; }

    protected override double Reward(double reward) => Math.Clamp(reward, MinReward, MaxReward);
}
