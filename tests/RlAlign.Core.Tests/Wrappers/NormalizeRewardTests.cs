using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Wrappers;

public class NormalizeRewardTests
{
    private const double Gamma = 0.9;

    private static readonly double[] Rewards = [1, 0.5, -2, 3, 0, 1.5, 4, -1, 2, 0.25];
    private static readonly bool[] Terminations = [false, false, true, false, false, false, true, false, false, false];

    [Test]
    public void ScalesEachRewardByTheRunningStdOfTheDiscountedReturn()
    {
        using var env = new NormalizeReward(ScriptedEnv.OfRewards(Rewards, Terminations), Gamma);
        env.Reset();

        var returns = new List<double>();
        double discountedReturn = 0;
        for (int t = 0; t < Rewards.Length; t++)
        {
            (_, double reward, _, _) = env.Step(0);

            discountedReturn = discountedReturn * Gamma * (Terminations[t] ? 0 : 1) + Rewards[t];
            returns.Add(discountedReturn);
            (_, double var) = RunningMeanStdTests.ExpectedWithPrior(returns.ToArray());
            Assert.That(reward, Is.EqualTo(Rewards[t] / Math.Sqrt(var + 1e-8)).Within(1e-12), $"step {t}");
            Assert.That(env.DiscountedReturn, Is.EqualTo(discountedReturn).Within(1e-12));
        }
    }

    [Test]
    public void TheTerminatingStepRestartsTheReturnWithItsOwnReward()
    {
        // Gymnasium 1.x: R = R * gamma * (1 - terminated) + r, so the terminal step leaves R = r_terminal.
        using var env = new NormalizeReward(ScriptedEnv.OfRewards([1, 2, 5], [false, false, true]), Gamma);
        env.Reset();
        env.Step(0);
        env.Step(0);
        Assert.That(env.DiscountedReturn, Is.EqualTo(1 * Gamma + 2).Within(1e-12));
        env.Step(0);
        Assert.That(env.DiscountedReturn, Is.EqualTo(5));
    }

    [Test]
    public void NeitherTruncationNorResetClearsTheReturn()
    {
        using var env = new NormalizeReward(new TimeLimit(ScriptedEnv.OfRewards([1]), 2), Gamma);
        env.Reset();
        env.Step(0);
        (_, _, _, bool truncated) = env.Step(0);
        Assert.That(truncated, Is.True);
        Assert.That(env.DiscountedReturn, Is.EqualTo(1 * Gamma + 1).Within(1e-12));
        env.Reset();
        Assert.That(env.DiscountedReturn, Is.EqualTo(1 * Gamma + 1).Within(1e-12));
    }

    [Test]
    public void FrozenStatisticsStillScale()
    {
        using var env = new NormalizeReward(ScriptedEnv.OfRewards(Rewards), Gamma);
        env.Reset();
        env.Step(0);
        env.Step(0);
        double var = env.Statistics.Var[0], count = env.Statistics.Count;
        env.UpdateRunningStats = false;

        (_, double reward, _, _) = env.Step(0);

        Assert.That(env.Statistics.Count, Is.EqualTo(count));
        Assert.That(reward, Is.EqualTo(Rewards[2] / Math.Sqrt(var + 1e-8)));
    }

    [TestCase(-0.1)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void GammaOutsideZeroToOneIsRejectedNamingTheWrapper(double gamma)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NormalizeReward(new CounterEnv(), gamma));
        Assert.That(e!.Message, Does.Contain("NormalizeReward").And.Contain(gamma.ToString()));
    }
}
