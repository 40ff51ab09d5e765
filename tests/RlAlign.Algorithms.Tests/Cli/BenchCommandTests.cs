using RlAlign.Alignment.Pipeline;
using RlAlign.Cli.Commands;

namespace RlAlign.Algorithms.Tests.Cli;

public class BenchCommandTests
{
    [Test]
    public void ThresholdStepNeedsAFullWindowWhoseMeanReachesTheGoal()
    {
        (long, double)[] episodes = [(10, 500), (20, 100), (30, 400), (40, 500), (50, 500)];

        // A single 500 before the window fills does not count; the first full window with mean >= 450 ends at step 50.
        Assert.That(BenchCommand.FirstStepReaching(episodes, goal: 450, window: 3), Is.EqualTo(50));
        Assert.That(BenchCommand.FirstStepReaching(episodes, goal: 300, window: 3), Is.EqualTo(30));
        Assert.That(BenchCommand.FirstStepReaching(episodes, goal: 501, window: 3), Is.Null);
        Assert.That(BenchCommand.FirstStepReaching(episodes[..2], goal: 0, window: 3), Is.Null);
    }
}

public class AlignBenchSummaryTests
{
    private static AlignBenchRun Run(string experiment, long seed, params double[] rewards)
        => new(experiment, seed, [.. rewards.Select((r, round) => new AlignmentEvaluation(round, r, 0.01, r / 2, 0.5 + round * 0.01, round * 0.1))]);

    [Test]
    public void DifferencesArePairedBySeed()
    {
        // Seed 3 is much better for both experiments; pairing removes it, so the difference has a small error.
        var summary = new AlignBenchSummary(
        [
            Run("apo", 1, 0.5, 0.60), Run("dpo", 1, 0.5, 0.58),
            Run("apo", 2, 0.5, 0.62), Run("dpo", 2, 0.5, 0.61),
            Run("apo", 3, 0.5, 0.90), Run("dpo", 3, 0.5, 0.87),
        ]);

        Assert.That(summary.Experiments, Is.EqualTo(new[] { "apo", "dpo" }));
        Assert.That(summary.Seeds, Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(summary.Rounds, Is.EqualTo(2));
        var (mean, error) = summary.Mean("apo", 1, e => e.MeanReward);
        Assert.That(mean, Is.EqualTo((0.60 + 0.62 + 0.90) / 3).Within(1e-12));
        Assert.That(error, Is.EqualTo(StandardError(0.60, 0.62, 0.90)).Within(1e-12));
        var (difference, differenceError, higher) = summary.Difference("apo", "dpo", 1, e => e.MeanReward);
        Assert.That(difference, Is.EqualTo(0.02).Within(1e-12));
        Assert.That(differenceError, Is.EqualTo(StandardError(0.02, 0.01, 0.03)).Within(1e-12));
        Assert.That(higher, Is.EqualTo(3));
        Assert.That(summary.Difference("apo", "dpo", 0, e => e.MeanReward).Higher, Is.Zero, "equal values are not higher");
    }

    [Test]
    public void OnlySeedsThatEveryExperimentRanAreCompared()
    {
        // An interrupted bench: seed 2 has no dpo run, and a shorter run limits the rounds compared.
        var summary = new AlignBenchSummary([Run("apo", 1, 0.5, 0.6, 0.7), Run("dpo", 1, 0.5, 0.6), Run("apo", 2, 0.5, 0.9, 0.9)]);

        Assert.That(summary.Seeds, Is.EqualTo(new long[] { 1 }));
        Assert.That(summary.Rounds, Is.EqualTo(2));
        Assert.That(double.IsNaN(summary.Mean("apo", 1, e => e.MeanReward).StandardError), Is.True, "one seed has no standard error");
        string markdown = summary.ToMarkdown("arithmetic");
        Assert.That(markdown, Does.Contain("| 1 | 0.600 | 0.600 | 0.000 | 0/1 |"));
        Assert.That(markdown, Does.Not.Contain("NaN"));
    }

    private static double StandardError(params double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) / values.Length);
    }
}
