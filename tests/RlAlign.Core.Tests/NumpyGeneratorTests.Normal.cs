using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using NUnit.Framework;
using RlAlign.Core.Random;

namespace RlAlign.Core.Tests;

/// <summary>
/// <see cref="NumpyGenerator.StandardNormal()"/> and <see cref="NumpyGenerator.Normal(double, double)"/> against
/// Data/numpy_normal.json (Debian numpy 1.24.2, made by Data/numpy_vectors.py): values by bit pattern and the
/// bit-generator state after each call, so a draw that consumes the wrong number of words fails even when its
/// value happens to match.
/// </summary>
public sealed partial class NumpyGeneratorTests
{
    private static readonly Lazy<JsonDocument> NormalVectors = new(() => TestData.Load("numpy_normal.json"));

    private static readonly string[] NormalSequenceNames = ["interleaved", "normal"];

    public static IEnumerable<TestCaseData> NormalSequenceCases() =>
        from seed in Seeds
        from name in NormalSequenceNames
        select new TestCaseData(seed, name).SetArgDisplayNames($"seed{seed}", name);

    [Test]
    public void ZigguratTablesAreNumpys()
    {
        var ziggurat = NormalVectors.Value.RootElement.GetProperty("ziggurat");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NumpyZigguratTables.K.ToArray(), Is.EqualTo(ziggurat.GetProperty("ki_double").EnumerateArray().Select(TestData.UInt64)), "ki_double");
            Assert.That(Bits(NumpyZigguratTables.W), Is.EqualTo(ziggurat.GetProperty("wi_double").EnumerateArray().Select(TestData.UInt64)), "wi_double");
            Assert.That(Bits(NumpyZigguratTables.F), Is.EqualTo(ziggurat.GetProperty("fi_double").EnumerateArray().Select(TestData.UInt64)), "fi_double");
            Assert.That(BitConverter.DoubleToUInt64Bits(NumpyZigguratTables.R), Is.EqualTo(TestData.UInt64(ziggurat.GetProperty("r"))), "r");
            Assert.That(BitConverter.DoubleToUInt64Bits(NumpyZigguratTables.InverseR), Is.EqualTo(TestData.UInt64(ziggurat.GetProperty("inv_r"))), "inv_r");
        }

        static ulong[] Bits(ReadOnlySpan<double> values) => [.. values.ToArray().Select(BitConverter.DoubleToUInt64Bits)];
    }

    [Test]
    public void NormalVectorFileHoldsTheSeedsTested() =>
        Assert.That(NormalVectors.Value.RootElement.GetProperty("seeds").EnumerateArray().Select(s => s.GetProperty("seed").GetUInt64()), Is.EqualTo(Seeds));

    [TestCaseSource(nameof(SeedCases))]
    public void StandardNormalMatchesNumpy(ulong seed)
    {
        var vector = NormalSeedVector(seed);
        var generator = NumpyGenerator.FromSeed(seed);
        var values = new double[64];
        generator.StandardNormal(values);

        Assert.That(values.Select(BitsOf), Is.EqualTo(vector.GetProperty("standard_normal_64").EnumerateArray().Select(b => b.GetString())));
        Assert.That(generator.State, Is.EqualTo(ParseState(vector.GetProperty("state_after_64"))));
    }

    /// <summary>
    /// 100,000 draws hashed as NumPy's float64 bytes: every layer, ~1,000 wedge tests and ~30 tail draws (with
    /// log1p) per seed, checked value for value and word for word.
    /// </summary>
    [TestCaseSource(nameof(SeedCases))]
    public void LongStandardNormalRunMatchesNumpy(ulong seed)
    {
        var expected = NormalSeedVector(seed).GetProperty("long");
        int count = expected.GetProperty("count").GetInt32();
        int[] tailIndices = [.. expected.GetProperty("tail_indices").EnumerateArray().Select(i => i.GetInt32())];
        // The recorded run must exercise the rare paths, or matching it would prove little about them.
        Assert.That(expected.GetProperty("raw_words_consumed").GetInt32(), Is.GreaterThan(count), "rejections in the recorded run");
        Assert.That(tailIndices, Is.Not.Empty, "tail draws in the recorded run");

        var generator = NumpyGenerator.FromSeed(seed);
        var values = new double[count];
        generator.StandardNormal(values);

        var bytes = new byte[8 * count];
        for (int i = 0; i < count; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tailIndices.Select(i => BitsOf(values[i])), Is.EqualTo(expected.GetProperty("tail_bits").EnumerateArray().Select(b => b.GetString())), "tail draws");
            Assert.That(Enumerable.Range(0, count).Where(i => Math.Abs(values[i]) >= NumpyZigguratTables.R), Is.EqualTo(tailIndices), "where the tail was taken");
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(expected.GetProperty("sha256_le_float64").GetString()), "all values");
            Assert.That(generator.State, Is.EqualTo(ParseState(expected.GetProperty("state_after"))), "state after");
        }
    }

    /// <summary>Normal draws interleaved with 32-bit integer draws (whose buffered half-word they must leave alone), and <c>normal</c>'s argument handling.</summary>
    [TestCaseSource(nameof(NormalSequenceCases))]
    public void NormalSequenceMatchesNumpy(ulong seed, string name)
    {
        var generator = NumpyGenerator.FromSeed(seed);
        int index = 0;
        foreach (var step in NormalSeedVector(seed).GetProperty("sequences").GetProperty(name).EnumerateArray())
        {
            string call = step.GetProperty("call").GetString()!;
            string where = $"step {index++} {call}";
            if (step.TryGetProperty("error", out var error))
            {
                var before = generator.State;
                var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => Execute(generator, call), where)!;
                Assert.That(thrown.Message, Does.StartWith(error.GetString()!), where);
                Assert.That(generator.State, Is.EqualTo(before), $"{where}: a rejected call draws nothing");
            }
            else
            {
                string[] expected = step.TryGetProperty("bits", out var bits)
                    ? [.. bits.EnumerateArray().Select(b => b.GetString()!)]
                    : [Canonical(step.GetProperty("value"))];
                Assert.That(Execute(generator, call), Is.EqualTo(expected), where);
            }
            Assert.That(generator.State, Is.EqualTo(ParseState(step.GetProperty("state"))), $"state after {where}");
        }
    }

    [Test]
    public void NormalRejectsBroadcastMismatch()
    {
        var generator = NumpyGenerator.FromSeed(0);
        var before = generator.State;
        Assert.Throws<ArgumentException>(() => generator.Normal([0.0, 1.0], [1.0, 1.0, 1.0], new double[3]));
        Assert.That(generator.State, Is.EqualTo(before));
    }

    private static JsonElement NormalSeedVector(ulong seed) =>
        NormalVectors.Value.RootElement.GetProperty("seeds").EnumerateArray().Single(s => s.GetProperty("seed").GetUInt64() == seed);
}
