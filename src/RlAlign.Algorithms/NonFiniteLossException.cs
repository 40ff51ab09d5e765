namespace RlAlign.Algorithms;

/// <summary>
/// A loss component or the gradient norm became NaN or infinite. The optimizer was not stepped, so the
/// parameters are those of the last good update (and the last checkpoint on disk is untouched).
/// </summary>
public sealed class NonFiniteLossException(string quantity, double value, int iteration, long globalStep)
    : Exception($"{quantity} is {value} at iteration {iteration} (global step {globalStep}); the optimizer step was skipped. "
        + "Common causes: a learning rate that is too high, NaN/Inf rewards or observations from the env, or unnormalised large rewards.")
{
    /// <summary>The metric name of the offending quantity, e.g. <c>losses/value_loss</c>.</summary>
    public string Quantity { get; } = quantity;

    public double Value { get; } = value;
    public int Iteration { get; } = iteration;
    public long GlobalStep { get; } = globalStep;
}
