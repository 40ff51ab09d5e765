using NUnit.Framework;

namespace RlAlign.Core.Tests.Wrappers;

public class RunningMeanStdTests
{
    private const double Epsilon = 1e-4;

    [Test]
    public void StartsAtGymnasiumsPrior()
    {
        var statistics = new RunningMeanStd(2);
        Assert.That(statistics.Mean.ToArray(), Is.EqualTo(new[] { 0.0, 0.0 }));
        Assert.That(statistics.Var.ToArray(), Is.EqualTo(new[] { 1.0, 1.0 }));
        Assert.That(statistics.Count, Is.EqualTo(Epsilon));
    }

    [Test]
    public void SingleSampleUpdatesMatchTheBatchStatisticsMergedWithThePrior()
    {
        float[][] samples = [[1f, -2f], [3f, 0.5f], [-4f, 7f], [0.25f, 1f], [10f, -3f]];
        var statistics = new RunningMeanStd(2);
        foreach (float[] sample in samples) statistics.Update(sample);

        for (int column = 0; column < 2; column++)
        {
            (double mean, double var) = ExpectedWithPrior(samples.Select(s => (double)s[column]).ToArray());
            Assert.That(statistics.Mean[column], Is.EqualTo(mean).Within(1e-12));
            Assert.That(statistics.Var[column], Is.EqualTo(var).Within(1e-12));
        }
        Assert.That(statistics.Count, Is.EqualTo(samples.Length + Epsilon).Within(1e-12));
    }

    [Test]
    public void BatchUpdateEqualsTheSameSamplesOneByOne()
    {
        float[] batch = [1f, -2f, 3f, 0.5f, -4f, 7f];
        var oneByOne = new RunningMeanStd(2);
        for (int row = 0; row < 3; row++) oneByOne.Update(batch.AsSpan(row * 2, 2));
        var batched = new RunningMeanStd(2);
        batched.UpdateBatch(batch);

        Assert.That(batched.Mean.ToArray(), Is.EqualTo(oneByOne.Mean.ToArray()).Within(1e-12));
        Assert.That(batched.Var.ToArray(), Is.EqualTo(oneByOne.Var.ToArray()).Within(1e-12));
        Assert.That(batched.Count, Is.EqualTo(oneByOne.Count).Within(1e-12));
    }

    [Test]
    public void NormalizeUsesCurrentStatistics()
    {
        var statistics = new RunningMeanStd(1);
        statistics.Update(2.0);
        statistics.Update(4.0);
        var normalized = new float[1];
        statistics.Normalize([5f], normalized, 1e-8);
        double expected = (5 - statistics.Mean[0]) / Math.Sqrt(statistics.Var[0] + 1e-8);
        Assert.That(normalized[0], Is.EqualTo((float)expected));
    }

    [Test]
    public void WrongSizesAreRejected()
    {
        var statistics = new RunningMeanStd(2);
        Assert.Throws<ArgumentException>(() => statistics.Update([1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => statistics.Update(1.0));
        Assert.Throws<ArgumentException>(() => statistics.UpdateBatch([1f, 2f, 3f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RunningMeanStd(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RunningMeanStd(1, epsilon: 0));
    }

    [Test]
    public void StateRoundTrips()
    {
        var original = new RunningMeanStd(2);
        original.Update([1f, 2f]);
        original.Update([5f, -1f]);
        var restored = new RunningMeanStd(2);
        restored.Restore(original.Snapshot());
        Assert.That(restored.Mean.ToArray(), Is.EqualTo(original.Mean.ToArray()));
        Assert.That(restored.Var.ToArray(), Is.EqualTo(original.Var.ToArray()));
        Assert.That(restored.Count, Is.EqualTo(original.Count));
        Assert.Throws<InvalidDataException>(() => new RunningMeanStd(3).Restore(original.Snapshot()));
    }

    /// <summary>The prior (count epsilon, mean 0, variance 1) merged with the population statistics of <paramref name="values"/>.</summary>
    internal static (double Mean, double Var) ExpectedWithPrior(double[] values)
    {
        int n = values.Length;
        double batchMean = values.Average();
        double batchVar = values.Sum(v => (v - batchMean) * (v - batchMean)) / n;
        double total = Epsilon + n;
        double mean = n * batchMean / total;
        double var = (Epsilon * 1.0 + n * batchVar + batchMean * batchMean * Epsilon * n / total) / total;
        return (mean, var);
    }
}
