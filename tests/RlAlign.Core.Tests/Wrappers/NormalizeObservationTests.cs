using NUnit.Framework;
using RlAlign.Core.Spaces;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Wrappers;

public class NormalizeObservationTests
{
    private static readonly float[][] Observations = [[1f, 10f], [2f, -10f], [4f, 0f], [-3f, 5f], [0.5f, 2f], [8f, -1f]];

    private static NormalizeObservation Make() => new(new ScriptedEnv(new Box(-100f, 100f, [2]), new Discrete(2), Observations));

    [Test]
    public void EveryObservationIncludingTheResetOneUpdatesTheStatisticsBeforeBeingNormalized()
    {
        using NormalizeObservation env = Make();
        var seen = new List<float[]> { Observations[0] };
        float[] observation = env.Reset();
        AssertNormalized(observation, seen);

        for (int t = 1; t < Observations.Length; t++)
        {
            (observation, _, _, _) = env.Step(0);
            seen.Add(Observations[t]);
            AssertNormalized(observation, seen);
        }
        Assert.That(env.Statistics.Count, Is.EqualTo(Observations.Length + 1e-4).Within(1e-12));
    }

    [Test]
    public void FrozenStatisticsStayPutAndStillNormalize()
    {
        using NormalizeObservation env = Make();
        env.Reset();
        env.Step(0);
        double[] mean = env.Statistics.Mean.ToArray(), var = env.Statistics.Var.ToArray();

        env.UpdateRunningStats = false;
        (float[] observation, _, _, _) = env.Step(0);

        Assert.That(env.Statistics.Mean.ToArray(), Is.EqualTo(mean));
        Assert.That(env.Statistics.Var.ToArray(), Is.EqualTo(var));
        for (int i = 0; i < 2; i++)
            Assert.That(observation[i], Is.EqualTo((float)((Observations[2][i] - mean[i]) / Math.Sqrt(var[i] + 1e-8))));
    }

    [Test]
    public void ObservationSpaceIsAnUnboundedBoxOfTheSameShape()
    {
        using NormalizeObservation env = Make();
        var space = (Box)env.ObservationSpace;
        Assert.That(space.Shape, Is.EqualTo(new[] { 2 }));
        Assert.That(space.Low, Is.All.EqualTo(float.NegativeInfinity));
        Assert.That(space.High, Is.All.EqualTo(float.PositiveInfinity));
    }

    [Test]
    public void NegativeEpsilonIsRejectedNamingTheWrapper()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NormalizeObservation(new CounterEnv(), epsilon: -1));
        Assert.That(e!.Message, Does.Contain("NormalizeObservation").And.Contain("-1"));
    }

    private static void AssertNormalized(float[] observation, List<float[]> seen)
    {
        for (int column = 0; column < 2; column++)
        {
            (double mean, double var) = RunningMeanStdTests.ExpectedWithPrior(seen.Select(o => (double)o[column]).ToArray());
            Assert.That(observation[column], Is.EqualTo((seen[^1][column] - mean) / Math.Sqrt(var + 1e-8)).Within(1e-5), $"after {seen.Count} observations, element {column}");
        }
    }
}
