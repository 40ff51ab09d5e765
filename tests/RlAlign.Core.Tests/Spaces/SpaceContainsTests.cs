using NUnit.Framework;
using RlAlign.Core.Spaces;

namespace RlAlign.Core.Tests.Spaces;

public class SpaceContainsTests
{
    private static readonly Box UnitBox = new(-1f, 1f, [2]);

    [TestCase(-1f, 1f, ExpectedResult = true, TestName = "Box bounds are inclusive")]
    [TestCase(0f, 0f, ExpectedResult = true)]
    [TestCase(-1.0001f, 0f, ExpectedResult = false)]
    [TestCase(0f, 1.0001f, ExpectedResult = false)]
    [TestCase(float.NaN, 0f, ExpectedResult = false, TestName = "Box rejects NaN")]
    [TestCase(float.PositiveInfinity, 0f, ExpectedResult = false)]
    public bool BoxContains(float a, float b) => UnitBox.Contains([a, b]);

    [Test]
    public void BoxRejectsTheWrongLength()
    {
        Assert.That(UnitBox.Contains([0f]), Is.False);
        Assert.That(UnitBox.Contains([0f, 0f, 0f]), Is.False);
    }

    [Test]
    public void UnboundedBoxContainsInfinityButNotNaN()
    {
        var box = new Box(float.NegativeInfinity, float.PositiveInfinity, [1]);
        Assert.That(box.Contains([float.PositiveInfinity]), Is.True);
        Assert.That(box.Contains([float.NaN]), Is.False);
        Assert.That(box.IsBounded, Is.False);
    }

    [TestCase(2f, ExpectedResult = true, TestName = "Discrete contains its first value")]
    [TestCase(4f, ExpectedResult = true)]
    [TestCase(5f, ExpectedResult = false)]
    [TestCase(1f, ExpectedResult = false)]
    [TestCase(2.5f, ExpectedResult = false, TestName = "Discrete rejects non-integers")]
    [TestCase(float.NaN, ExpectedResult = false)]
    public bool DiscreteWithStartContains(float value) => new Discrete(3, start: 2).Contains([value]);

    [Test]
    public void DiscreteRejectsTheWrongLength() => Assert.That(new Discrete(3).Contains([0f, 1f]), Is.False);

    [Test]
    public void MultiDiscreteChecksEachComponent()
    {
        var space = new MultiDiscrete([2, 3]);
        Assert.That(space.Contains([1f, 2f]), Is.True);
        Assert.That(space.Contains([2f, 0f]), Is.False);
        Assert.That(space.Contains([0f, -1f]), Is.False);
        Assert.That(space.Contains([0f, 0.5f]), Is.False);
        Assert.That(space.Contains([0f]), Is.False);
    }

    [Test]
    public void TextAllowsPaddingOnlyAtTheEnd()
    {
        var space = new Text(4, minLength: 1, charset: "ab");
        Assert.That(space.Contains([0f, 1f, 2f, 2f]), Is.True, "\"ab\" then padding");
        Assert.That(space.Contains([0f, 2f, 1f, 2f]), Is.False, "a character after padding");
        Assert.That(space.Contains([2f, 2f, 2f, 2f]), Is.False, "shorter than min_length");
        Assert.That(space.Contains([0f, 0.5f, 2f, 2f]), Is.False, "not a charset index");
        Assert.That(space.Contains([0f, 1f, 2f]), Is.False, "wrong length");
        Assert.That(space.Contains("abba"), Is.True);
        Assert.That(space.Contains("abc"), Is.False);
        Assert.That(space.Contains("ababa"), Is.False);
    }

    [Test]
    public void DictChecksEverySubSpaceAtItsOffset()
    {
        var space = new DictSpace(("position", new Box(-1f, 1f, [2])), ("goal", new Discrete(3)));
        Assert.That(space.Contains([2f, 0.5f, -0.5f]), Is.True);
        Assert.That(space.Contains([3f, 0.5f, -0.5f]), Is.False);
        Assert.That(space.Contains([2f, 0.5f, 5f]), Is.False);
        Assert.That(space.Contains([2f, 0.5f]), Is.False);
    }

    [Test]
    public void EnsureContainsExplainsWhatIsWrong()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => UnitBox.EnsureContains([0f], "action"))!.Message, Does.Contain("action").And.Contain("expects 2"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => UnitBox.EnsureContains([0f, 5f], "action"))!.Message, Does.Contain("5"));
        Assert.DoesNotThrow(() => UnitBox.EnsureContains([0f, 0.5f], "action"));
    }
}
