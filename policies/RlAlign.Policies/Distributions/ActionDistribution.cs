using static TorchSharp.torch;

namespace RlAlign.Policies.Distributions;

/// <summary>
/// A batch of action distributions, one per row of the policy's input. Actions are float32 tensors of
/// shape [batch, actionSize] laid out as the env's flat action (a discrete action is its integer), so
/// a sampled action goes to the env with one host copy and is stored in the rollout as is.
/// The tensors returned belong to the caller's dispose scope.
/// </summary>
public abstract class ActionDistribution
{
    /// <summary>Draws one action per row; an explicit <paramref name="generator"/> makes the draw reproducible and checkpointable.</summary>
    public abstract Tensor Sample(Generator? generator = null);

    /// <summary>
    /// Draws actions and returns them with their log-probabilities (as <see cref="Sample"/> then
    /// <see cref="LogProb"/>); distributions override it where the two share work.
    /// </summary>
    public virtual (Tensor Action, Tensor LogProb) SampleWithLogProb(Generator? generator = null)
    {
        Tensor action = Sample(generator);
        return (action, LogProb(action));
    }

    /// <summary>Log-density (or log-probability) of <paramref name="action"/> [batch, actionSize], shape [batch].</summary>
    public abstract Tensor LogProb(Tensor action);

    /// <summary>Entropy per row, shape [batch].</summary>
    public abstract Tensor Entropy();

    /// <summary>The most likely action (argmax for categoricals, the mean for a Gaussian), [batch, actionSize].</summary>
    public abstract Tensor Mode();
}
