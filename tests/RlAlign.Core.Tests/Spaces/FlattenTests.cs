using NUnit.Framework;
using RlAlign.Core.Spaces;

namespace RlAlign.Core.Tests.Spaces;

public class FlattenTests
{
    [Test]
    public void BoxFlattensToItself()
    {
        var box = new Box(-5f, 5f, [2, 2]);
        Assert.That((box.FlatSize, box.FlatDim), Is.EqualTo((4, 4)));
        Assert.That(Flatten(box, [1f, 2f, 3f, 4f]), Is.EqualTo(new[] { 1f, 2f, 3f, 4f }));
    }

    [Test]
    public void DiscreteFlattensToOneHotRelativeToStart()
    {
        var space = new Discrete(4, start: 3);
        Assert.That((space.FlatSize, space.FlatDim), Is.EqualTo((1, 4)));
        Assert.That(Flatten(space, [5f]), Is.EqualTo(new[] { 0f, 0f, 1f, 0f }));
    }

    [Test]
    public void MultiDiscreteFlattensToConcatenatedOneHots()
    {
        var space = new MultiDiscrete([2, 3]);
        Assert.That((space.FlatSize, space.FlatDim), Is.EqualTo((2, 5)));
        Assert.That(Flatten(space, [1f, 0f]), Is.EqualTo(new[] { 0f, 1f, 1f, 0f, 0f }));
    }

    [Test]
    public void TextFlattensToPaddedIndices()
    {
        var space = new Text(4, charset: "abc");
        Assert.That(space.FlatDim, Is.EqualTo(4));
        Assert.That(Flatten(space, [2f, 0f, 3f, 3f]), Is.EqualTo(new[] { 2f, 0f, 3f, 3f }));
    }

    [Test]
    public void DictFlattensItsPartsInKeyOrder()
    {
        var space = new DictSpace(("z", new Discrete(2)), ("a", new Box(0f, 1f, [1])), ("m", new MultiDiscrete([3])));
        Assert.That(space.FlatSize, Is.EqualTo(3));
        Assert.That(space.FlatDim, Is.EqualTo(1 + 3 + 2));
        // Flat layout a | m | z, flattened a | one-hot m | one-hot z.
        Assert.That(Flatten(space, [0.5f, 2f, 1f]), Is.EqualTo(new[] { 0.5f, 0f, 0f, 1f, 0f, 1f }));
    }

    private static float[] Flatten(Space space, float[] value)
    {
        var flat = new float[space.FlatDim];
        space.Flatten(value, flat);
        return flat;
    }
}
