using RlAlign.Policies.Language;

namespace RlAlign.Alignment.Tasks;

/// <summary>
/// How a policy does on a task, from one sampled completion per prompt.
/// </summary>
/// <param name="MeanReward">Mean oracle reward of the policy's samples.</param>
/// <param name="RewardStandardError">Standard error of that mean (sample standard deviation / sqrt(n)).</param>
/// <param name="FullyCorrectRate">Share of samples with reward 1, which the built-in tasks give only to a fully correct completion.</param>
/// <param name="WinRate">Share of prompts where the policy's sample beats the baseline's by oracle reward, ties counting 0.5; null without a baseline.</param>
/// <param name="KlToReference">k1 estimate of KL(policy ‖ reference): the mean over the policy's samples of
/// Σ_t log p_policy - log p_ref over completion tokens (spec §0.3); null without a reference.</param>
/// <param name="Samples">The policy's samples, in prompt order.</param>
public sealed record TaskEvaluationResult(
    double MeanReward,
    double RewardStandardError,
    double FullyCorrectRate,
    double? WinRate,
    double? KlToReference,
    IReadOnlyList<TaskSample> Samples);

public static class TaskEvaluation
{
    /// <summary>
    /// Samples one completion per prompt from <paramref name="policy"/> (and from <paramref name="baseline"/>, if given)
    /// and scores them with the task's reward. Policy and baseline sample with the same seed, so their comparison uses
    /// common random numbers (less variance; a model against itself ties on every prompt, a win rate of exactly 0.5).
    /// </summary>
    /// <param name="options">Null samples at temperature 1 (<see cref="TaskSampling.DefaultGeneration"/>).</param>
    public static TaskEvaluationResult Evaluate(
        Gpt2LMHeadModel policy,
        Gpt2LMHeadModel? baseline,
        Gpt2LMHeadModel? reference,
        IAlignmentTask task,
        IReadOnlyList<string> prompts,
        GenerationOptions? options,
        ulong seed,
        int batchSize = TaskSampling.DefaultBatchSize)
    {
        if (prompts.Count == 0) throw new ArgumentException("There are no prompts to evaluate on.", nameof(prompts));
        options ??= TaskSampling.DefaultGeneration(task);
        IReadOnlyList<TaskSample> samples = TaskSampling.Sample(policy, task.Tokenizer, prompts, options, seed, batchSize);
        double[] rewards = [.. samples.Select(s => task.Reward(s.Prompt, s.Completion))];

        double? winRate = null;
        if (baseline is not null)
        {
            IReadOnlyList<TaskSample> baselineSamples = TaskSampling.Sample(baseline, task.Tokenizer, prompts, options, seed, batchSize);
            winRate = rewards.Select((reward, i) => Win(reward, task.Reward(prompts[i], baselineSamples[i].Completion))).Average();
        }

        double? kl = null;
        if (reference is not null)
        {
            double[] policyLogProbs = TaskSampling.CompletionLogProbs(policy, samples, task.Tokenizer.PadTokenId, batchSize);
            double[] referenceLogProbs = TaskSampling.CompletionLogProbs(reference, samples, task.Tokenizer.PadTokenId, batchSize);
            kl = policyLogProbs.Select((logProb, i) => logProb - referenceLogProbs[i]).Average();
        }

        double mean = rewards.Average();
        double variance = rewards.Length > 1 ? rewards.Sum(r => (r - mean) * (r - mean)) / (rewards.Length - 1) : 0;
        return new TaskEvaluationResult(mean, Math.Sqrt(variance / rewards.Length), rewards.Count(r => r == 1.0) / (double)rewards.Length, winRate, kl, samples);
    }

    private static double Win(double reward, double baselineReward) => reward > baselineReward ? 1.0 : reward < baselineReward ? 0.0 : 0.5;
}
