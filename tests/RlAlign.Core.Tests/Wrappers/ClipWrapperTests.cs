using NUnit.Framework;
using RlAlign.Core.Spaces;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Wrappers;

public class ClipWrapperTests
{
    [TestCase(5f, 1f)]
    [TestCase(-3f, -1f)]
    [TestCase(0.5f, 0.5f)]
    [TestCase(1f, 1f)]
    public void ClipActionPassesTheClippedActionOn(float action, float received)
    {
        var counter = new CounterEnv();
        using var env = new ClipAction(counter);
        env.Reset();
        env.Step([action]);
        Assert.That(counter.LastAction, Is.EqualTo(received));
    }

    [Test]
    public void ClipActionExposesAnUnboundedBoxOfTheSameShape()
    {
        using var env = new ClipAction(new CounterEnv());
        var space = (Box)env.ActionSpace;
        Assert.That(space.Shape, Is.EqualTo(new[] { 1 }));
        Assert.That(space.IsBounded, Is.False);
        Assert.That(space.Contains([1e9f]), Is.True);
    }

    [Test]
    public void ClipActionOnADiscreteActionSpaceSaysWhatIsWrong()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new ClipAction(new RandomWalkEnv()));
        Assert.That(e!.Message, Does.Contain("ClipAction").And.Contain("Box").And.Contain("Discrete(3)"));
    }

    [Test]
    public void ClipObservationClipsValuesAndNarrowsTheSpace()
    {
        var inner = new ScriptedEnv(new Box(-10f, 10f, [3]), new Discrete(2), [[5f, -7f, 0.5f]]);
        using var env = new ClipObservation(inner, -1f, 2f);
        Assert.That(env.Reset(), Is.EqualTo(new[] { 2f, -1f, 0.5f }));
        var space = (Box)env.ObservationSpace;
        Assert.That(space.Low, Is.All.EqualTo(-1f));
        Assert.That(space.High, Is.All.EqualTo(2f));
    }

    [Test]
    public void ClipObservationKeepsTighterInnerBoundsPerElement()
    {
        var inner = new ScriptedEnv(new Box([-1f, -10f], [1f, 10f]), new Discrete(2), [[0f, 0f]]);
        using var env = new ClipObservation(inner, [-5f, -5f], [5f, 5f]);
        var space = (Box)env.ObservationSpace;
        Assert.That(space.Low, Is.EqualTo(new[] { -1f, -5f }));
        Assert.That(space.High, Is.EqualTo(new[] { 1f, 5f }));
    }

    [Test]
    public void ClipObservationRejectsBadBounds()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new ClipObservation(new CounterEnv(), 3f, -3f));
        Assert.That(e!.Message, Does.Contain("ClipObservation").And.Contain("3"));
        Assert.Throws<ArgumentException>(() => _ = new ClipObservation(new CounterEnv(), [0f], [1f]));
        Assert.Throws<ArgumentException>(() => _ = new ClipObservation(new CounterEnv(), float.NaN, 1f));
    }

    [Test]
    public void ClipRewardClipsToEitherOrBothBounds()
    {
        double[] rewards = [5, -5, 0.3];
        Assert.That(RewardsThrough(rewards, env => new ClipReward(env, -1, 1)), Is.EqualTo(new[] { 1, -1, 0.3 }));
        Assert.That(RewardsThrough(rewards, env => new ClipReward(env, maxReward: 0)), Is.EqualTo(new[] { 0, -5, 0.0 }));
        Assert.That(RewardsThrough(rewards, env => new ClipReward(env, minReward: 0)), Is.EqualTo(new[] { 5, 0, 0.3 }));
    }

    [Test]
    public void ClipRewardRejectsBadBounds()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new ClipReward(new CounterEnv()))!.Message, Does.Contain("ClipReward"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new ClipReward(new CounterEnv(), 2, 1))!.Message, Does.Contain("ClipReward").And.Contain("2"));
    }

    internal static double[] RewardsThrough(double[] rewards, Func<IEnv, IEnv> wrap)
    {
        using IEnv env = wrap(ScriptedEnv.OfRewards(rewards));
        env.Reset();
        var seen = new double[rewards.Length];
        for (int t = 0; t < rewards.Length; t++) seen[t] = env.Step(0).Reward;
        return seen;
    }
}
