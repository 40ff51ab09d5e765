namespace RlAlign.Algorithms;

/// <summary>
/// Receives scalar metrics under CleanRL / TRL names (<c>charts/episodic_return</c>, <c>losses/approx_kl</c>, …)
/// at a global step, as TensorBoard's <c>add_scalar</c>. Implementations write CSV, TensorBoard, logs.
/// </summary>
public interface IMetricsSink
{
    void Add(string name, double value, long step);
}

/// <summary>The metric names trainers report (CleanRL's).</summary>
public static class MetricNames
{
    public const string LearningRate = "charts/learning_rate";
    public const string EpisodicReturn = "charts/episodic_return";
    public const string EpisodicLength = "charts/episodic_length";
    public const string StepsPerSecond = "charts/SPS";
    public const string ValueLoss = "losses/value_loss";
    public const string PolicyLoss = "losses/policy_loss";
    public const string Entropy = "losses/entropy";
    public const string OldApproxKl = "losses/old_approx_kl";
    public const string ApproxKl = "losses/approx_kl";
    public const string ClipFraction = "losses/clipfrac";
    public const string ExplainedVariance = "losses/explained_variance";

    /// <summary>Not a CleanRL chart; names the global gradient norm in <see cref="NonFiniteLossException"/>.</summary>
    public const string GradNorm = "losses/grad_norm";

    /// <summary>The combined PPO loss, named when it is non-finite although its parts are not (e.g. inf - inf).</summary>
    public const string TotalLoss = "losses/loss";
}
