using RlAlign.Core.Random;
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
    /// extrapolates the next reference. Returns the suboptimality max r - E_{π̂_{t+1}}[r] after round t = 1..<paramref name="rounds"/>
    /// (index t - 1). With <paramref name="exactSolve"/> a round is the closed form π̂_{t+1} ∝ ref_t·exp(r/β); otherwise it is
    /// gradient descent on the DPO population loss (<see cref="SolveRoundByDpo"/>), whose minimiser is that closed form.
    /// </summary>
    public static double[] TabularSuboptimality(double[] rewards, double beta, double alpha, int rounds, bool exactSolve = true)
    {
        ValidateBandit(rewards, beta, rounds);
        return RunRounds(rewards, beta, alpha, rounds, (reward, referenceLogps, previousLogps) => exactSolve
            ? (referenceLogps + reward / beta).log_softmax(0)
            : SolveRoundByDpo(reward, referenceLogps, previousLogps, beta));
    }

    /// <summary>
    /// The sample-based bandit of §7.4: like <see cref="TabularSuboptimality"/>, but each round draws
    /// <paramref name="pairsPerRound"/> pairs (y1, y2) i.i.d. from the current policy π̂_t, labels each by a Bradley–Terry draw
    /// P(y1 ≻ y2) = σ(r_y1 - r_y2), and solves the round by minimising the sigmoid-DPO loss on those pairs
    /// (<see cref="SolveRoundOnPairs"/>). Pairs with y1 = y2 carry no preference and are dropped. The draws come from NumPy's
    /// generator seeded with <paramref name="seed"/>, so a run is reproducible (and matches a Python run making the same calls).
    /// </summary>
    public static double[] SampledSuboptimality(double[] rewards, double beta, double alpha, int rounds, int pairsPerRound, ulong seed)
    {
        ValidateBandit(rewards, beta, rounds);
        if (pairsPerRound < 1) throw new ArgumentException($"pairsPerRound must be >= 1; got {pairsPerRound}.", nameof(pairsPerRound));
        NumpyGenerator generator = NumpyGenerator.FromSeed(seed);
        return RunRounds(rewards, beta, alpha, rounds, (_, referenceLogps, previousLogps) =>
        {
            Tensor pairWeights = SampleLabelledPairs(rewards, previousLogps, pairsPerRound, generator);
            return SolveRoundOnPairs(pairWeights, referenceLogps, previousLogps, beta);
        });
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
        var pairs = new PairedDpoLoss(referenceLogps, beta);
        // The population loss is the mean over the n(n-1) ordered pairs of P(i ≻ j)·loss(i ≻ j).
        Tensor pairWeights = (reward.index_select(0, pairs.Chosen) - reward.index_select(0, pairs.Rejected)).sigmoid() / (n * (n - 1));

        Tensor logits = initialLogps.detach().clone().requires_grad_();
        bool converged = false;
        for (int step = 0; step < maxSteps; step++)
        {
            using var stepScope = NewDisposeScope();
            Tensor gradient = autograd.grad([pairs.Loss(logits, pairWeights)], [logits])[0];
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

    /// <summary>
    /// One round of the bandit on sampled, labelled pairs: minimises Σ_k w_k·loss_DPO(chosen_k ≻ rejected_k) over the policy
    /// logits by damped Newton from <paramref name="initialLogps"/> (the last round's solution), where the ordered pairs k are
    /// (i, j), i ≠ j, in row-major order and <paramref name="pairWeights"/>[k] is the fraction of labelled pairs in which i beat
    /// j. Summing the loss per ordered pair with its empirical frequency is exactly the mean sigmoid-DPO loss over the sampled
    /// pairs, only cheaper. Stops once the gradient norm is below 1e-8, as the population solve does.
    /// </summary>
    /// <remarks>
    /// <para>The loss is convex in the logits but, unlike the population loss, may have no minimiser: when the sampled
    /// comparisons of some responses all point one way (say the worst response drawn once, against the best, and winning), the
    /// loss keeps falling as their margin grows. This solve takes the spec's π̂_{t+1} = argmin literally rather than
    /// regularising it: a logistic loss's gradient decays like e^{-βh}, so Newton reaches the tolerance at a finite margin
    /// βh ≈ ln(wβ / 1e-8) (about 13 nats for one comparison among ~200 kept pairs), a point whose loss is within ~1e-8 of the
    /// infimum. That is DPO's known over-fitting of empirically deterministic preferences (Azar et al. 2023), and it can move
    /// almost all probability onto a response on the strength of one comparison. The alternative, stopping early after a fixed
    /// step budget as practical DPO's few epochs do, would bound such moves but make each round's answer depend on that budget
    /// rather than on the data and the spec's argmin. A response that no kept pair mentions gets no gradient and keeps its logit
    /// (Newton steps are taken in the range of the Hessian), and a round with no kept pair returns the initial policy. Every
    /// rule here is the same whatever the APO α.</para>
    /// <para>Newton steps use the Hessian's pseudo-inverse (the loss is flat along the all-ones direction and along
    /// unmentioned responses) and an Armijo backtracking line search, since a full Newton step on a logistic loss far from its
    /// minimum overshoots by a factor up to e^{β|h|}.</para>
    /// </remarks>
    public static Tensor SolveRoundOnPairs(Tensor pairWeights, Tensor referenceLogps, Tensor initialLogps, double beta)
    {
        const double gradientTolerance = 1e-8;
        const int maxIterations = 100;
        const double armijoFraction = 1e-4;
        const double smallestStepFraction = 1e-10;
        const double pseudoInverseCutoff = 1e-12;
        using var scope = NewDisposeScope();
        var pairs = new PairedDpoLoss(referenceLogps, beta);
        if (!pairWeights.shape.SequenceEqual(pairs.Chosen.shape))
            throw new ArgumentException(
                $"pairWeights needs one weight per ordered pair ({pairs.Chosen.shape[0]}); got [{string.Join(", ", pairWeights.shape)}].",
                nameof(pairWeights));

        Tensor logits = initialLogps.detach().clone();
        Tensor losses = pairs.PairLosses(logits); // kept in step with logits: the line search's accepted evaluation is reused
        bool converged = false;
        for (int iteration = 0; iteration < maxIterations && !converged; iteration++)
        {
            using var iterationScope = NewDisposeScope();
            var (gradient, hessian) = pairs.Derivatives(losses, pairWeights);
            if (gradient.norm().item<double>() < gradientTolerance)
            {
                converged = true;
                continue;
            }

            Tensor step = linalg.pinv(hessian, pseudoInverseCutoff, hermitian: true).matmul(gradient);
            double lossValue = (pairWeights * losses).sum().item<double>();
            double predictedDecrease = gradient.dot(step).item<double>();
            for (double fraction = 1.0; ; fraction /= 2)
            {
                if (fraction < smallestStepFraction)
                    throw new InvalidOperationException(
                        $"The sampled DPO round solve found no descent step at iteration {iteration} (loss {lossValue}, beta = {beta}).");
                Tensor candidate = logits - fraction * step;
                Tensor candidateLosses = pairs.PairLosses(candidate);
                if ((pairWeights * candidateLosses).sum().item<double>() <= lossValue - armijoFraction * fraction * predictedDecrease)
                {
                    logits.copy_(candidate);
                    losses.copy_(candidateLosses);
                    break;
                }
            }
        }
        if (converged)
            return scope.MoveToOuter(logits.log_softmax(0));
        throw new InvalidOperationException(
            $"The sampled DPO round solve did not reach gradient norm {gradientTolerance} in {maxIterations} Newton iterations (beta = {beta}).");
    }

    private static void ValidateBandit(double[] rewards, double beta, int rounds)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.Length < 2) throw new ArgumentException($"The bandit needs at least 2 responses; got {rewards.Length}.", nameof(rewards));
        if (!(beta > 0)) throw new ArgumentException($"beta must be > 0; got {beta}.", nameof(beta));
        if (rounds < 1) throw new ArgumentException($"rounds must be >= 1; got {rounds}.", nameof(rounds));
    }

    // Round t solves for π̂_{t+1} from (reward, ref_t, π̂_t); the next reference is the APO extrapolation of the two solutions.
    private static double[] RunRounds(double[] rewards, double beta, double alpha, int rounds, Func<Tensor, Tensor, Tensor, Tensor> solveRound)
    {
        using var scope = NewDisposeScope();
        Tensor reward = HostVector(rewards);
        Tensor uniform = full(rewards.Length, -Math.Log(rewards.Length), dtype: ScalarType.Float64);
        Tensor referenceLogps = uniform;
        Tensor previousLogps = uniform;
        double best = rewards.Max();
        var suboptimality = new double[rounds];
        for (int t = 0; t < rounds; t++)
        {
            Tensor latestLogps = solveRound(reward, referenceLogps, previousLogps);
            suboptimality[t] = best - (latestLogps.exp() * reward).sum().item<double>();
            referenceLogps = Extrapolate(latestLogps, previousLogps, alpha).log_softmax(0);
            previousLogps = latestLogps;
        }
        return suboptimality;
    }

    // Draws pairs from π (inverse CDF on generator.Random(), as numpy's searchsorted(cumsum(p), u, side="right")), labels each
    // by one Bernoulli draw, and returns each ordered pair's share of the kept pairs, in OrderedPairs order.
    private static Tensor SampleLabelledPairs(double[] rewards, Tensor policyLogps, int pairCount, NumpyGenerator generator)
    {
        int n = rewards.Length;
        double[] cumulative = policyLogps.exp().cumsum(0).data<double>().ToArray();
        var wins = new long[n, n];
        long kept = 0;
        for (int k = 0; k < pairCount; k++)
        {
            int first = DrawResponse(cumulative, generator.Random());
            int second = DrawResponse(cumulative, generator.Random());
            if (first == second) continue;
            bool firstWins = generator.Random() < 1.0 / (1.0 + Math.Exp(-(rewards[first] - rewards[second])));
            if (firstWins) wins[first, second]++;
            else wins[second, first]++;
            kept++;
        }
        var weights = new double[n * (n - 1)];
        int pair = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j)
                    weights[pair++] = kept == 0 ? 0.0 : (double)wins[i, j] / kept;
        return HostVector(weights);
    }

    private static int DrawResponse(double[] cumulative, double uniform)
    {
        int index = 0;
        while (index < cumulative.Length - 1 && cumulative[index] <= uniform) index++;
        return index;
    }

    /// <summary>Σ_k w_k·sigmoid-DPO loss over all ordered response pairs k = (chosen, rejected), for a softmax policy.</summary>
    private sealed class PairedDpoLoss
    {
        private readonly Tensor _referenceChosen;
        private readonly Tensor _referenceRejected;
        private readonly DpoLossOptions _options;

        public PairedDpoLoss(Tensor referenceLogps, double beta)
        {
            long n = referenceLogps.shape[0];
            (Chosen, Rejected) = OrderedPairs(n);
            _referenceChosen = referenceLogps.index_select(0, Chosen);
            _referenceRejected = referenceLogps.index_select(0, Rejected);
            _options = new DpoLossOptions(beta);
            Incidence = (nn.functional.one_hot(Chosen, n) - nn.functional.one_hot(Rejected, n)).to(ScalarType.Float64);
        }

        public Tensor Chosen { get; }
        public Tensor Rejected { get; }

        // Row k is e_chosen - e_rejected: the log-softmax normaliser cancels in h_k, so dh_k/d(logits) is exactly this row.
        private Tensor Incidence { get; }

        public Tensor Loss(Tensor logits, Tensor pairWeights) => (pairWeights * PairLosses(logits)).sum();

        /// <summary>
        /// The gradient and Hessian in the logits of Σ_k w_k·ℓ_k, from the per-pair losses ℓ_k at that point. For
        /// ℓ = -log σ(βh): dℓ/dh = -β(1 - e^{-ℓ}) and d²ℓ/dh² = β² e^{-ℓ}(1 - e^{-ℓ}); with h linear in the logits the gradient
        /// is Dᵀ(w·dℓ/dh) and the Hessian Dᵀ diag(w·d²ℓ/dh²) D for the incidence matrix D.
        /// </summary>
        public (Tensor Gradient, Tensor Hessian) Derivatives(Tensor losses, Tensor pairWeights)
        {
            Tensor preferenceMiss = -(-losses).expm1(); // σ(-βh), without cancellation when ℓ is tiny
            double beta = _options.Beta;
            Tensor slope = -beta * pairWeights * preferenceMiss;
            Tensor curvature = beta * beta * pairWeights * (-losses).exp() * preferenceMiss;
            return (Incidence.T.matmul(slope), (Incidence.T * curvature).matmul(Incidence));
        }

        /// <summary>The sigmoid-DPO loss of each ordered pair, from DpoLoss.</summary>
        public Tensor PairLosses(Tensor logits)
        {
            Tensor logps = logits.log_softmax(0);
            // The reward metrics beside the losses are left to the caller's dispose scope.
            return DpoLoss.Compute(logps.index_select(0, Chosen), logps.index_select(0, Rejected),
                _referenceChosen, _referenceRejected, _options).Losses;
        }
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
