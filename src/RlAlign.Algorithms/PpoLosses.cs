using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>The PPO diagnostics of one minibatch (spec §0.1), each a scalar tensor computed without gradient.</summary>
public readonly record struct PpoDiagnostics(Tensor OldApproxKl, Tensor ApproxKl, Tensor ClipFraction);

/// <summary>
/// The pieces of the PPO objective (spec §0.1, §1.1), as CleanRL's ppo.py writes them. Each is a pure
/// function of its tensors; the trainer composes <c>loss = pg - ent_coef * H + vf_coef * L_V</c>.
/// </summary>
public static class PpoLosses
{
    /// <summary>Per-minibatch advantage normalisation: <c>(A - mean) / (std + 1e-8)</c>, with PyTorch's (unbiased) std as CleanRL.</summary>
    public static Tensor NormalizeAdvantages(Tensor advantages)
    {
        (Tensor std, Tensor mean) = advantages.std_mean(unbiased: true);
        return (advantages - mean) / (std + 1e-8);
    }

    /// <summary>
    /// The clipped surrogate <c>mean(max(-A·ratio, -A·clamp(ratio, 1-eps, 1+eps)))</c>, i.e.
    /// <c>-mean(min(ratio·A, clamp(ratio)·A))</c>.
    /// </summary>
    public static Tensor ClippedSurrogate(Tensor ratio, Tensor advantages, double clipCoef)
    {
        Tensor negatedAdvantages = -advantages;
        Tensor unclipped = negatedAdvantages * ratio;
        Tensor clipped = negatedAdvantages * ratio.clamp(1 - clipCoef, 1 + clipCoef);
        return maximum(unclipped, clipped).mean();
    }

    /// <summary>
    /// The value loss: <c>0.5 · mean(max((V - R)², (V_old + clamp(V - V_old, -eps, eps) - R)²))</c> with
    /// clipping, <c>0.5 · mean((V - R)²)</c> without.
    /// </summary>
    public static Tensor ValueLoss(Tensor newValues, Tensor oldValues, Tensor returns, double clipCoef, bool clip)
    {
        Tensor unclipped = (newValues - returns).square();
        if (!clip) return 0.5 * unclipped.mean();
        Tensor clippedValues = oldValues + (newValues - oldValues).clamp(-clipCoef, clipCoef);
        Tensor clipped = (clippedValues - returns).square();
        return 0.5 * maximum(unclipped, clipped).mean();
    }

    /// <summary>
    /// <c>old_approx_kl = mean(-log ratio)</c>, <c>approx_kl = mean((ratio - 1) - log ratio)</c> (the k3
    /// estimator) and <c>clipfrac = mean(|ratio - 1| &gt; eps)</c>.
    /// </summary>
    public static PpoDiagnostics Diagnostics(Tensor logRatio, Tensor ratio, double clipCoef)
    {
        using var noGrad = no_grad();
        Tensor ratioMinusOne = ratio - 1;
        return new PpoDiagnostics(
            OldApproxKl: (-logRatio).mean(),
            ApproxKl: (ratioMinusOne - logRatio).mean(),
            ClipFraction: ratioMinusOne.abs().gt(clipCoef).to(ScalarType.Float32).mean());
    }

    /// <summary>
    /// <c>1 - Var(target - predicted) / Var(target)</c> with population variances, NaN when the target is
    /// constant (CleanRL's explained variance of the value function).
    /// </summary>
    public static double ExplainedVariance(ReadOnlySpan<float> predicted, ReadOnlySpan<float> target)
    {
        if (predicted.Length != target.Length || target.Length == 0)
            throw new ArgumentException($"Explained variance needs equal, non-empty inputs, got {predicted.Length} and {target.Length} values.");
        double targetMean = 0, residualMean = 0;
        for (int i = 0; i < target.Length; i++)
        {
            targetMean += target[i];
            residualMean += target[i] - predicted[i];
        }
        targetMean /= target.Length;
        residualMean /= target.Length;
        double targetVariance = 0, residualVariance = 0;
        for (int i = 0; i < target.Length; i++)
        {
            double t = target[i] - targetMean, r = target[i] - predicted[i] - residualMean;
            targetVariance += t * t;
            residualVariance += r * r;
        }
        return targetVariance == 0 ? double.NaN : 1 - residualVariance / targetVariance;
    }
}
