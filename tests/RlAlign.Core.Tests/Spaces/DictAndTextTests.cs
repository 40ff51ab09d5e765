using NUnit.Framework;
using RlAlign.Core.Spaces;

namespace RlAlign.Core.Tests.Spaces;

public class DictAndTextTests
{
    [Test]
    public void DictSortsKeysOrdinallyAndReportsOffsets()
    {
        var space = new DictSpace(("image", new Box(0f, 255f, [2, 2], DType.UInt8)), ("direction", new Discrete(4)), ("Mission", new Text(3)));
        Assert.That(space.Spaces.Select(kv => kv.Key), Is.EqualTo(new[] { "Mission", "direction", "image" }));
        Assert.That(space.OffsetOf("Mission"), Is.EqualTo(0));
        Assert.That(space.OffsetOf("direction"), Is.EqualTo(3));
        Assert.That(space.OffsetOf("image"), Is.EqualTo(4));
        Assert.That(space.FlatSize, Is.EqualTo(8));
        Assert.That(space["direction"], Is.InstanceOf<Discrete>());
    }

    [Test]
    public void DictUnknownKeyListsTheKeys()
    {
        var space = new DictSpace(("a", new Discrete(2)), ("b", new Discrete(2)));
        Assert.That(Assert.Throws<KeyNotFoundException>(() => space.OffsetOf("c"))!.Message, Does.Contain("a, b"));
        Assert.Throws<ArgumentException>(() => _ = new DictSpace());
    }

    [TestCase("")]
    [TestCase("a")]
    [TestCase("cab")]
    [TestCase("ccccc")]
    public void TextEncodeDecodeRoundTrips(string text)
    {
        var space = new Text(5, minLength: 0, charset: "abc");
        var encoded = new float[space.FlatSize];
        space.Encode(text, encoded);
        Assert.That(space.Contains(encoded), Is.True);
        Assert.That(space.Decode(encoded), Is.EqualTo(text));
        Assert.That(encoded.Skip(text.Length), Is.All.EqualTo(3f), "padded with charset.Length");
    }

    [Test]
    public void TextEncodeRejectsStringsOutsideTheSpace()
    {
        var space = new Text(3, minLength: 1, charset: "ab");
        var encoded = new float[3];
        Assert.Throws<ArgumentException>(() => space.Encode("abc", encoded));
        Assert.Throws<ArgumentException>(() => space.Encode("abab", encoded));
        Assert.Throws<ArgumentException>(() => space.Encode("", encoded));
    }

    [Test]
    public void InvalidConstructionIsRejected()
    {
        Assert.Throws<ArgumentException>(() => _ = new Text(2, minLength: 3));
        Assert.Throws<ArgumentException>(() => _ = new Text(2, charset: ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Discrete(0));
        Assert.Throws<ArgumentException>(() => _ = new MultiDiscrete([2, 0]));
        Assert.Throws<ArgumentException>(() => _ = new Box([1f], [0f]));
        Assert.Throws<ArgumentException>(() => _ = new Box([0f, 0f], [1f]));
    }
}
