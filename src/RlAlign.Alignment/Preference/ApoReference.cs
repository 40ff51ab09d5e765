using static TorchSharp.torch;

namespace RlAlign.Alignment.Preference;

/// <summary>
/// APO (He, Yuan, Gu 2024; spec ALGORITHMS.md §7.3): the next round's reference is the Nesterov extrapolation of the last
/// two round solutions in log-probability space, log ref_{t+1} = (1+α) log π̂_{t+1} - α log π̂_t (+ a per-prompt constant,
/// which cancels in every DPO-family loss, so it is never computed).
/// </summary>
public static class ApoReference
{
    /// <summary>(1+α)·<paramref name="latestLogps"/> - α·<paramref name="previousLogps"/>; α = 0 gives iterative DPO.</summary>
    public static Tensor Extrapolate(Tensor latestLogps, Tensor previousLogps, double alpha)
    {
        if (!(alpha >= 0) || double.IsInfinity(alpha))
            throw new ArgumentException($"APO alpha must be a finite number >= 0; got {alpha}.", nameof(alpha));
        if (!latestLogps.shape.SequenceEqual(previousLogps.shape))
            throw new ArgumentException(
                $"APO extrapolation needs log-probabilities of one shape; got [{string.Join(", ", latestLogps.shape)}] and [{string.Join(", ", previousLogps.shape)}].");
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((1 + alpha) * latestLogps.detach() - alpha * previousLogps.detach());
    }

    /// <summary>
    /// The single-context bandit of §7.4 with an exact per-round solve π̂_{t+1} ∝ ref_t·exp(r/β) (the KL-regularised
    /// optimum that the DPO population loss reaches), starting from uniform π̂_1 = ref_1. Returns the suboptimality
    /// max r - E_{π̂_t}[r] for t = 1..<paramref name="rounds"/> (index t - 1).
    /// </summary>
    public static double[] TabularSuboptimality(double[] rewards, double beta, double alpha, int rounds)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.Length < 2) throw new ArgumentException($"The bandit needs at least 2 responses; got {rewards.Length}.", nameof(rewards));
        if (!(beta > 0)) throw new ArgumentException($"beta must be > 0; got {beta}.", nameof(beta));
        if (rounds < 1) throw new ArgumentException($"rounds must be >= 1; got {rounds}.", nameof(rounds));

        using var scope = NewDisposeScope();
        // Filled in place rather than torch.tensor(array): host data goes into libtorch-allocated memory (see HostCopy).
        Tensor reward = empty(rewards.Length, dtype: ScalarType.Float64);
        for (int i = 0; i < rewards.Length; i++) reward[i] = rewards[i];
        Tensor uniform = full(rewards.Length, -Math.Log(rewards.Length), dtype: ScalarType.Float64);
        Tensor referenceLogps = uniform;
        Tensor previousLogps = uniform;
        double best = rewards.Max();
        var suboptimality = new double[rounds];
        for (int t = 0; t < rounds; t++)
        {
            Tensor latestLogps = (referenceLogps + reward / beta).log_softmax(0);
            suboptimality[t] = best - (latestLogps.exp() * reward).sum().item<double>();
            referenceLogps = Extrapolate(latestLogps, previousLogps, alpha).log_softmax(0);
            previousLogps = latestLogps;
        }
        return suboptimality;
    }
}
