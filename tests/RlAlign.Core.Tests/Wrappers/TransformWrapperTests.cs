using NUnit.Framework;
using RlAlign.Core.Spaces;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Wrappers;

public class TransformWrapperTests
{
    [Test]
    public void TransformRewardAppliesTheDelegate()
        => Assert.That(ClipWrapperTests.RewardsThrough([1, -2, 0.5], env => new TransformReward(env, r => 2 * r + 1)), Is.EqualTo(new[] { 3, -3, 2.0 }));

    [Test]
    public void TransformObservationMayChangeTheSize()
    {
        var inner = new ScriptedEnv(new Box(-10f, 10f, [2]), new Discrete(2), [[1f, 2f], [3f, 4f]]);
        var sumSpace = new Box(-20f, 20f, [1]);
        using var env = new TransformObservation(inner, static (observation, destination) => destination[0] = observation[0] + observation[1], sumSpace);

        Assert.That(env.ObservationSpace, Is.SameAs(sumSpace));
        Assert.That(env.Reset(), Is.EqualTo(new[] { 3f }));
        Assert.That(env.Step(0).Observation, Is.EqualTo(new[] { 7f }));
    }

    [Test]
    public void FlattenObservationOneHotsDiscretePartsInKeyOrder()
    {
        var dict = new DictSpace(("position", new Box(-1f, 1f, [2])), ("goal", new Discrete(3, start: 1)));
        // Dict keys sort as Gymnasium sorts them: goal, then position.
        var inner = new ScriptedEnv(dict, new Discrete(2), [[3f, 0.25f, -0.5f]]);
        using var env = new FlattenObservation(inner);

        Assert.That(env.Reset(), Is.EqualTo(new[] { 0f, 0f, 1f, 0.25f, -0.5f }));
        var space = (Box)env.ObservationSpace;
        Assert.That(space.FlatSize, Is.EqualTo(dict.FlatDim));
        Assert.That(space.Low, Is.EqualTo(new[] { 0f, 0f, 0f, -1f, -1f }));
        Assert.That(space.High, Is.EqualTo(new[] { 1f, 1f, 1f, 1f, 1f }));
    }

    [Test]
    public void FlattenSpaceOfTextBoundsTheCharsetIndicesWithPadding()
    {
        Box box = FlattenObservation.FlattenSpace(new Text(4, charset: "abc"));
        Assert.That(box.Low, Is.All.EqualTo(0f));
        Assert.That(box.High, Is.All.EqualTo(3f));
        Assert.That(box.FlatSize, Is.EqualTo(4));
    }
}
