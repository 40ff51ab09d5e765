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
    /// The single-context bandit of §7.4, starting from uniform π̂_1 = ref_1: each round solves for π̂_{t+1} given ref_t and
    /// extrapolates the next reference. Returns the suboptimality max r - E_{π̂_t}[r] for t = 1..<paramref name="rounds"/>
    /// (index t - 1). With <paramref name="exactSolve"/> a round is the closed form π̂_{t+1} ∝ ref_t·exp(r/β); otherwise it is
    /// gradient descent on the DPO population loss (<see cref="SolveRoundByDpo"/>), whose minimiser is that closed form.
    /// </summary>
    public static double[] TabularSuboptimality(double[] rewards, double beta, double alpha, int rounds, bool exactSolve = true)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.Length < 2) throw new ArgumentException($"The bandit needs at least 2 responses; got {rewards.Length}.", nameof(rewards));
        if (!(beta > 0)) throw new ArgumentException($"beta must be > 0; got {beta}.", nameof(beta));
        if (rounds < 1) throw new ArgumentException($"rounds must be >= 1; got {rounds}.", nameof(rounds));

        using var scope = NewDisposeScope();
        Tensor reward = HostVector(rewards);
        Tensor uniform = full(rewards.Length, -Math.Log(rewards.Length), dtype: ScalarType.Float64);
        Tensor referenceLogps = uniform;
        Tensor previousLogps = uniform;
        double best = rewards.Max();
        var suboptimality = new double[rounds];
        for (int t = 0; t < rounds; t++)
        {
            Tensor latestLogps = exactSolve
                ? (referenceLogps + reward / beta).log_softmax(0)
                : SolveRoundByDpo(reward, referenceLogps, previousLogps, beta);
            suboptimality[t] = best - (latestLogps.exp() * reward).sum().item<double>();
            referenceLogps = Extrapolate(latestLogps, previousLogps, alpha).log_softmax(0);
            previousLogps = latestLogps;
        }
        return suboptimality;
    }

    /// <summary>
    /// One round of the bandit by gradient descent on the sigmoid-DPO population loss: every ordered pair (i, j), i ≠ j, is
    /// enumerated once with Bradley–Terry label probability P(i ≻ j) = σ(r_i - r_j), so its minimiser has β·h_ij = r_i - r_j,
    /// i.e. π ∝ ref·exp(r/β). The policy is a softmax over logits initialised at <paramref name="initialLogps"/> (the last
    /// round's solution); descent stops once the gradient norm is below 1e-8 (spec §7.4).
    /// </summary>
    public static Tensor SolveRoundByDpo(Tensor reward, Tensor referenceLogps, Tensor initialLogps, double beta)
    {
        // Each ordered pair adds at most β²/(4n(n-1)) times a complete-graph Laplacian term (largest eigenvalue n), so the
        // Hessian's largest eigenvalue is <= β²/(4(n-1)); a step of 2(n-1)/β² is a quarter of the stability limit 2/λ_max.
        const double gradientTolerance = 1e-8;
        const int maxSteps = 10_000;
        using var scope = NewDisposeScope();
        long n = reward.shape[0];
        double learningRate = 2.0 * (n - 1) / (beta * beta);
        var (chosenIndex, rejectedIndex) = OrderedPairs(n);
        Tensor labelProbability = (reward.index_select(0, chosenIndex) - reward.index_select(0, rejectedIndex)).sigmoid();
        Tensor referenceChosen = referenceLogps.index_select(0, chosenIndex);
        Tensor referenceRejected = referenceLogps.index_select(0, rejectedIndex);
        var options = new DpoLossOptions(beta);

        Tensor logits = initialLogps.detach().clone().requires_grad_();
        bool converged = false;
        for (int step = 0; step < maxSteps; step++)
        {
            using var stepScope = NewDisposeScope();
            Tensor logps = logits.log_softmax(0);
            using var output = DpoLoss.Compute(logps.index_select(0, chosenIndex), logps.index_select(0, rejectedIndex),
                referenceChosen, referenceRejected, options);
            Tensor loss = (labelProbability * output.Losses).mean();
            Tensor gradient = autograd.grad([loss], [logits])[0];
            if (gradient.norm().item<double>() < gradientTolerance)
            {
                converged = true;
                break;
            }
            using (no_grad()) logits.sub_(learningRate * gradient);
        }
        if (converged)
            return scope.MoveToOuter(logits.detach().log_softmax(0));
        throw new InvalidOperationException($"The DPO round solve did not reach gradient norm {gradientTolerance} in {maxSteps} steps (beta = {beta}).");
    }

    private static (Tensor Chosen, Tensor Rejected) OrderedPairs(long n)
    {
        Tensor chosen = empty(n * (n - 1), dtype: ScalarType.Int64);
        Tensor rejected = empty(n * (n - 1), dtype: ScalarType.Int64);
        long k = 0;
        for (long i = 0; i < n; i++)
            for (long j = 0; j < n; j++)
                if (i != j)
                {
                    chosen[k] = i;
                    rejected[k] = j;
                    k++;
                }
        return (chosen, rejected);
    }

    // Filled in place rather than torch.tensor(array): host data goes into libtorch-allocated memory (see HostCopy).
    private static Tensor HostVector(double[] values)
    {
        Tensor result = empty(values.Length, dtype: ScalarType.Float64);
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
