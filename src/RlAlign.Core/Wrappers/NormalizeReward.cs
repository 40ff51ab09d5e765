namespace RlAlign.Core.Wrappers;

/// <summary>
/// Gymnasium 1.x's <c>NormalizeReward</c>: keeps a discounted return <c>R = R * gamma * (1 - terminated) + r</c>,
/// updates the running variance of R with it, then returns <c>r / sqrt(var + epsilon)</c> (the reward is
/// scaled, not centred). As in Gymnasium, R is cleared by the terminating step itself (so it then holds
/// just that step's reward) and is neither cleared by truncation nor by <c>Reset</c>.
/// Set <see cref="UpdateRunningStats"/> to false to freeze the statistics, e.g. for evaluation.
/// </summary>
public sealed class NormalizeReward : Wrapper
{
    private double _discountedReturn;

    public NormalizeReward(IEnv env, double gamma = 0.99, double epsilon = 1e-8) : base(env)
    {
        if (!(gamma >= 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"NormalizeReward needs 0 <= gamma <= 1, got {gamma}.");
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"NormalizeReward needs a finite epsilon >= 0, got {epsilon}.");
        Gamma = gamma;
        Epsilon = epsilon;
    }

    public double Gamma { get; }
    public double Epsilon { get; }

    /// <summary>The running statistics of the discounted return.</summary>
    public RunningMeanStd Statistics { get; } = new(1);

    /// <summary>The discounted return accumulated so far.</summary>
    public double DiscountedReturn => _discountedReturn;

    /// <summary>Gymnasium's <c>update_running_mean</c>: when false, rewards are scaled with frozen statistics.</summary>
    public bool UpdateRunningStats { get; set; } = true;

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        _discountedReturn = _discountedReturn * Gamma * (result.Terminated ? 0 : 1) + result.Reward;
        if (UpdateRunningStats) Statistics.Update(_discountedReturn);
        return result with { Reward = result.Reward / Statistics.Std(0, Epsilon) };
    }

    protected override void SaveOwnState(BinaryWriter writer)
    {
        writer.Write(_discountedReturn);
        Statistics.SaveState(writer);
    }

    protected override void LoadOwnState(BinaryReader reader)
    {
        _discountedReturn = reader.ReadDouble();
        Statistics.LoadState(reader);
    }
}
