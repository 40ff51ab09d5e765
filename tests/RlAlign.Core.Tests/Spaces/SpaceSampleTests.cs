using NUnit.Framework;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Core.Tests.Spaces;

/// <summary>Sampling: seeded, repeatable, and always inside the space.</summary>
public class SpaceSampleTests
{
    public static IEnumerable<TestCaseData> AllSpaces()
    {
        yield return new TestCaseData(new Box(-2f, 3f, [4])).SetArgDisplayNames("bounded Box");
        yield return new TestCaseData(new Box([0f, float.NegativeInfinity, float.NegativeInfinity], [float.PositiveInfinity, 1f, float.PositiveInfinity]))
            .SetArgDisplayNames("half-open and unbounded Box");
        yield return new TestCaseData(new Box(0f, 255f, [2, 3], DType.UInt8)).SetArgDisplayNames("uint8 Box");
        yield return new TestCaseData(new Discrete(5)).SetArgDisplayNames("Discrete(5)");
        yield return new TestCaseData(new Discrete(3, start: -1)).SetArgDisplayNames("Discrete(3, start=-1)");
        yield return new TestCaseData(new MultiDiscrete([2, 5, 1])).SetArgDisplayNames("MultiDiscrete");
        yield return new TestCaseData(new Text(6, minLength: 2, charset: "xyz")).SetArgDisplayNames("Text");
        yield return new TestCaseData(new DictSpace(("b", new Discrete(4)), ("a", new Box(-1f, 1f, [2])), ("c", new Text(3))))
            .SetArgDisplayNames("Dict");
    }

    [TestCaseSource(nameof(AllSpaces))]
    public void SamplesLieInTheSpace(Space space)
    {
        NumpyGenerator rng = NumpyGenerator.FromSeed(0);
        var value = new float[space.FlatSize];
        for (int k = 0; k < 500; k++)
        {
            space.Sample(rng, value);
            Assert.That(space.Contains(value), Is.True, $"sample {k}: [{string.Join(", ", value)}] not in {space}");
        }
    }

    [TestCaseSource(nameof(AllSpaces))]
    public void SameSeedSameSamples(Space space)
    {
        Assert.That(Draw(space, seed: 7), Is.EqualTo(Draw(space, seed: 7)));
        Assert.That(Draw(space, seed: 7), Is.Not.EqualTo(Draw(space, seed: 8)));
    }

    [Test]
    public void SeedingTheSpaceMakesItsOwnSamplesRepeatable()
    {
        var space = new Box(-1f, 1f, [3]);
        space.Seed(11);
        float[] first = space.Sample();
        space.Seed(11);
        Assert.That(space.Sample(), Is.EqualTo(first));
    }

    [Test]
    public void DiscreteSamplesCoverEveryValue()
    {
        var space = new Discrete(4, start: 10);
        NumpyGenerator rng = NumpyGenerator.FromSeed(3);
        var seen = new HashSet<int>();
        for (int k = 0; k < 200; k++) seen.Add(space.SampleInt(rng));
        Assert.That(seen, Is.EquivalentTo(new[] { 10, 11, 12, 13 }));
    }

    [Test]
    public void IntegerBoxSamplesAreWholeAndReachTheUpperBound()
    {
        var space = new Box(0f, 2f, [1], DType.Int64);
        NumpyGenerator rng = NumpyGenerator.FromSeed(5);
        var seen = new HashSet<float>();
        var value = new float[1];
        for (int k = 0; k < 200; k++)
        {
            space.Sample(rng, value);
            seen.Add(value[0]);
        }
        Assert.That(seen, Is.EquivalentTo(new[] { 0f, 1f, 2f }));
    }

    [Test]
    public void TextSamplesRespectLengthAndCharset()
    {
        var space = new Text(5, minLength: 2, charset: "ab");
        NumpyGenerator rng = NumpyGenerator.FromSeed(9);
        for (int k = 0; k < 200; k++)
        {
            string text = space.SampleString(rng);
            Assert.That(text.Length, Is.InRange(2, 5));
            Assert.That(text.Trim('a', 'b'), Is.Empty);
        }
    }

    private static float[] Draw(Space space, ulong seed)
    {
        NumpyGenerator rng = NumpyGenerator.FromSeed(seed);
        var values = new float[space.FlatSize * 20];
        for (int k = 0; k < 20; k++) space.Sample(rng, values.AsSpan(k * space.FlatSize, space.FlatSize));
        return values;
    }
}
