using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using RlAlign.Core.Random;

namespace RlAlign.Core.Tests;

/// <summary>
/// Checks <see cref="NumpyGenerator"/> against the vectors recorded from NumPy (rng/numpy_pcg64.json):
/// every seed, every case, values compared exactly (floats by bit pattern) together with the bit-generator
/// state afterwards, so a draw that returns the right value through the wrong path still fails.
/// </summary>
[TestFixture]
public sealed partial class NumpyGeneratorTests
{
    private static readonly Lazy<JsonDocument> Vectors = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(ConformanceData.PathOf("rng", "numpy_pcg64.json"))));

    private static readonly string[] CaseNames =
    [
        "integers_0_7", "integers_1_5", "integers_0_2pow40", "integers_m3_3", "integers_0_2", "integers_0_4",
        "integers_5_6", "integers_0_2pow32", "integers_0_2pow32p1", "integers_0_3e9", "random",
        "uniform_cartpole", "uniform_acrobot", "uniform_mountaincar", "uniform_array_pair", "uniform_pendulum",
        "uniform_0_1", "choice_list6", "choice_range_3_8", "shuffle_list8", "shuffle_list4", "mixed_sequence",
    ];

    private static readonly ulong[] Seeds = [0, 1, 2, 42, 12345, 2147483647];

    public static IEnumerable<TestCaseData> SeedCases() =>
        Seeds.Select(seed => new TestCaseData(seed).SetArgDisplayNames($"seed{seed}"));

    public static IEnumerable<TestCaseData> CallCases() =>
        from seed in Seeds
        from name in CaseNames
        select new TestCaseData(seed, name).SetArgDisplayNames($"seed{seed}", name);

    [Test]
    public void VectorFileHoldsExactlyTheSeedsAndCasesTested()
    {
        var seeds = Vectors.Value.RootElement.GetProperty("seeds");
        Assert.That(seeds.EnumerateArray().Select(s => s.GetProperty("seed").GetUInt64()), Is.EqualTo(Seeds));
        foreach (var seed in seeds.EnumerateArray())
        {
            Assert.That(seed.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()),
                Is.EquivalentTo(CaseNames), $"seed {seed.GetProperty("seed")}");
        }
    }

    [TestCaseSource(nameof(SeedCases))]
    public void SeedSequenceAndSeedingMatchNumpy(ulong seed)
    {
        var vector = SeedVector(seed);
        var sequence = vector.GetProperty("seed_sequence");
        Span<uint> pool = stackalloc uint[NumpyGenerator.SeedSequence.PoolSize];
        NumpyGenerator.SeedSequence.MixEntropy(seed, pool);
        var words = new uint[8];
        NumpyGenerator.SeedSequence.GenerateState(pool, words);
        ulong[] state64 = [.. Enumerable.Range(0, 4).Select(k => ((ulong)words[2 * k + 1] << 32) | words[2 * k])];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sequence.GetProperty("entropy").GetString(), Is.EqualTo(seed.ToString(CultureInfo.InvariantCulture)));
            Assert.That(pool.ToArray(), Is.EqualTo(UInts(sequence.GetProperty("pool_uint32"))), "pool");
            Assert.That(words, Is.EqualTo(UInts(sequence.GetProperty("generate_state_8_uint32"))), "generate_state(8, uint32)");
            Assert.That(state64, Is.EqualTo(sequence.GetProperty("generate_state_4_uint64").EnumerateArray().Select(e => ulong.Parse(e.GetString()!, CultureInfo.InvariantCulture))), "generate_state(4, uint64)");
            Assert.That(new UInt128(state64[0], state64[1]), Is.EqualTo(Hex128(vector.GetProperty("pcg64_seed"))), "pcg64 seed");
            Assert.That(new UInt128(state64[2], state64[3]), Is.EqualTo(Hex128(vector.GetProperty("pcg64_initseq"))), "pcg64 initseq");
        }

        var generator = NumpyGenerator.FromSeed(seed);
        Assert.That(generator.State, Is.EqualTo(ParseState(vector.GetProperty("state_after_seeding"))), "state after seeding");
        var expectedRaw = vector.GetProperty("random_raw_8").EnumerateArray().Select(e => ulong.Parse(e.GetString()!, CultureInfo.InvariantCulture)).ToArray();
        var raw = new ulong[expectedRaw.Length];
        for (int i = 0; i < raw.Length; i++) raw[i] = generator.NextUInt64();
        Assert.That(raw, Is.EqualTo(expectedRaw), "random_raw");
    }

    [TestCaseSource(nameof(CallCases))]
    public void CaseMatchesNumpy(ulong seed, string name)
    {
        var vectorCase = SeedVector(seed).GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        string call = vectorCase.GetProperty("call").GetString()!;
        var generator = NumpyGenerator.FromSeed(seed);

        if (vectorCase.TryGetProperty("steps", out var steps))
        {
            int index = 0;
            foreach (var step in steps.EnumerateArray())
            {
                string stepCall = step.GetProperty("call").GetString()!;
                var actual = Execute(generator, stepCall);
                string expected = step.TryGetProperty("bits", out var bits) ? bits.GetString()! : Canonical(step.GetProperty("value"));
                Assert.That(actual, Is.EqualTo(new[] { expected }), $"step {index} {stepCall}");
                Assert.That(generator.State, Is.EqualTo(ParseState(step.GetProperty("state"))), $"state after step {index} {stepCall}");
                index++;
            }
        }
        else
        {
            var actual = Execute(generator, call);
            var values = vectorCase.GetProperty("values").EnumerateArray().ToArray();
            string[] expected = vectorCase.TryGetProperty("bits", out var bits)
                ? [.. bits.EnumerateArray().Select(b => b.GetString()!)]
                : [.. values.Select(Canonical)];
            Assert.That(actual, Is.EqualTo(expected), call);

            if (vectorCase.TryGetProperty("bits", out _))
            {
                var doubles = values.Select(v => v.GetDouble()).ToArray();
                Assert.That(actual, Is.EqualTo(doubles.Select(BitsOf)), "recorded values agree with recorded bits");
                if (vectorCase.TryGetProperty("as_float32", out var asFloat32))
                {
                    Assert.That(
                        actual.Select(a => BitConverter.SingleToInt32Bits((float)BitConverter.Int64BitsToDouble(Convert.ToInt64(a, 16)))),
                        Is.EqualTo(asFloat32.EnumerateArray().Select(f => BitConverter.SingleToInt32Bits((float)f.GetDouble()))),
                        "as float32");
                }
            }
            if (vectorCase.TryGetProperty("indices", out var indices))
            {
                string[] items = ChoiceItems(call);
                Assert.That(actual.Select(a => Array.IndexOf(items, a)), Is.EqualTo(indices.EnumerateArray().Select(i => i.GetInt32())), "indices");
            }
        }

        Assert.That(generator.State, Is.EqualTo(ParseState(vectorCase.GetProperty("state_after"))), "state after");
    }

    [Test]
    public void CloneContinuesIdentically()
    {
        var original = NumpyGenerator.FromSeed(42);
        original.Integers(0, 7); // leaves a pending 32-bit half-word, which the clone must carry
        var clone = original.Clone();
        Assert.That(clone.State, Is.EqualTo(original.State));
        Assert.That(Draws(clone), Is.EqualTo(Draws(original)));
    }

    [Test]
    public void SaveAndLoadStateContinueIdentically()
    {
        var original = NumpyGenerator.FromSeed(12345);
        original.Uniform(-1, 1);
        original.Integers(0, 5);
        byte[] snapshot = original.Snapshot();
        var expected = Draws(original);

        var restored = NumpyGenerator.FromSeed(7);
        restored.Restore(snapshot);
        Assert.That(Draws(restored), Is.EqualTo(expected));

        original.Restore(snapshot);
        Assert.That(Draws(original), Is.EqualTo(expected), "restoring onto the same instance rewinds it");
    }

    [Test]
    public void StateCanBeCopiedToAnotherGenerator()
    {
        var original = NumpyGenerator.FromSeed(1);
        original.NextUInt32();
        var copy = NumpyGenerator.FromState(original.State);
        var other = NumpyGenerator.FromSeed(2);
        other.State = original.State;
        var expected = Draws(original);
        Assert.That(Draws(copy), Is.EqualTo(expected));
        Assert.That(Draws(other), Is.EqualTo(expected));
    }

    [Test]
    public void ShuffleOverloadsGiveTheSamePermutation()
    {
        var array = Enumerable.Range(0, 10).ToArray();
        var list = Enumerable.Range(0, 10).ToList();
        var segment = new ArraySegment<int>([.. Enumerable.Range(0, 10)]);
        Span<int> span = [.. Enumerable.Range(0, 10)];
        NumpyGenerator.FromSeed(3).Shuffle(array);
        NumpyGenerator.FromSeed(3).Shuffle(list);
        NumpyGenerator.FromSeed(3).Shuffle((IList<int>)segment);
        NumpyGenerator.FromSeed(3).Shuffle(span);
        Assert.That(list, Is.EqualTo(array));
        Assert.That(segment, Is.EqualTo(array));
        Assert.That(span.ToArray(), Is.EqualTo(array));
        Assert.That(array, Is.Not.EqualTo(Enumerable.Range(0, 10)));
    }

    [Test]
    public void InvalidArgumentsThrowWithoutConsumingBits()
    {
        var generator = NumpyGenerator.FromSeed(0);
        var before = generator.State;
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Integers(3, 3));
        Assert.Throws<ArgumentException>(() => generator.Choice(Array.Empty<int>()));
        Assert.Throws<OverflowException>(() => generator.Uniform(double.NegativeInfinity, 0));
        Assert.Throws<OverflowException>(() => generator.Uniform([0.0, double.MinValue], [1.0, double.MaxValue], new double[2]));
        Assert.That(generator.State, Is.EqualTo(before));
    }

    [Test]
    public void ExtremeIntegerRangesStayInBounds()
    {
        var generator = NumpyGenerator.FromSeed(5);
        for (int i = 0; i < 1000; i++)
        {
            Assert.That(generator.Integers(long.MinValue, long.MaxValue), Is.LessThan(long.MaxValue));
            Assert.That(generator.Integers(long.MaxValue - 3, long.MaxValue), Is.InRange(long.MaxValue - 3, long.MaxValue - 1));
            Assert.That(generator.Integers(long.MinValue, long.MinValue + 3), Is.InRange(long.MinValue, long.MinValue + 2));
        }
    }

    [Test]
    public void DrawLoopDoesNotAllocate()
    {
        var generator = NumpyGenerator.FromSeed(0);
        int[] items = [1, 2, 3];
        Span<int> deck = stackalloc int[8];
        Span<double> destination = stackalloc double[4];
        ReadOnlySpan<double> low = [-1, -2, -3, -4], high = [1, 2, 3, 4];
        double sink = DrawLoop(generator, items, deck, low, high, destination); // warm-up (JIT, tiering)
        sink += CRuntimeMath.Log1P(0); // the first normal-tail draw loads the C math library, which the warm-up may not reach
        long before = GC.GetAllocatedBytesForCurrentThread();
        sink += DrawLoop(generator, items, deck, low, high, destination);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, $"checksum {sink}");
    }

    private static double DrawLoop(NumpyGenerator generator, int[] items, Span<int> deck, ReadOnlySpan<double> low, ReadOnlySpan<double> high, Span<double> destination)
    {
        double sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            sum += generator.Integers(0, 7) + generator.Uniform(-0.05, 0.05) + generator.Choice(items) + generator.Choice(3, 8)
                + generator.StandardNormal();
            if (i % 100 == 0)
            {
                generator.Shuffle(deck);
                generator.Uniform(low, high, destination);
                sum += destination[0] + generator.Integers(0, 1L << 40);
                generator.Normal(low, high, destination);
                sum += destination[0];
            }
        }
        return sum;
    }

    private static List<string> Draws(NumpyGenerator generator)
    {
        var draws = new List<string>();
        for (int i = 0; i < 50; i++)
        {
            draws.Add(generator.Integers(0, 7).ToString(CultureInfo.InvariantCulture));
            draws.Add(BitsOf(generator.Random()));
            draws.Add(generator.NextUInt32().ToString(CultureInfo.InvariantCulture));
            draws.Add(generator.Integers(0, 1L << 40).ToString(CultureInfo.InvariantCulture));
        }
        return draws;
    }

    /// <summary>
    /// Runs a recorded <c>call</c> (Python source such as <c>20 x integers(0, 2**40)</c> or
    /// <c>uniform(low=-[pi, 1.0], high=[pi, 1.0])</c>) and renders each result as the file does.
    /// </summary>
    private static List<string> Execute(NumpyGenerator generator, string call)
    {
        var results = new List<string>();
        var repeat = RepeatPattern().Match(call);
        int count = repeat.Success ? int.Parse(repeat.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
        string body = repeat.Success ? repeat.Groups[2].Value : call;
        body = body.Replace("Generator.", "", StringComparison.Ordinal);
        if (body.StartsWith("scalar ", StringComparison.Ordinal)) body = body["scalar ".Length..];

        var shuffle = ShufflePattern().Match(body);
        if (shuffle.Success)
        {
            int n = int.Parse(shuffle.Groups[1].Value, CultureInfo.InvariantCulture);
            for (int r = 0; r < count; r++)
            {
                var list = Enumerable.Range(0, n).ToList();
                generator.Shuffle(list);
                results.Add(Canonical(list));
            }
            return results;
        }

        var function = FunctionPattern().Match(body);
        Assert.That(function.Success, $"cannot interpret call '{call}'");
        string name = function.Groups[1].Value;
        string arguments = BalancedArguments(body, function.Length - 1);
        for (int r = 0; r < count; r++)
        {
            switch (name)
            {
                case "integers":
                {
                    var args = new ArgumentParser(arguments).Parse();
                    results.Add(generator.Integers(args.Integer(0, "low"), args.Integer(1, "high")).ToString(CultureInfo.InvariantCulture));
                    break;
                }
                case "random":
                    results.Add(BitsOf(generator.Random()));
                    break;
                case "standard_normal":
                    RunStandardNormal(generator, new ArgumentParser(arguments).Parse(), results);
                    break;
                case "normal":
                    RunNormal(generator, new ArgumentParser(arguments).Parse(), results);
                    break;
                case "uniform":
                    RunUniform(generator, new ArgumentParser(arguments).Parse(), results);
                    break;
                case "choice" when arguments.StartsWith("range(", StringComparison.Ordinal):
                {
                    var args = new ArgumentParser(arguments["range(".Length..^1]).Parse();
                    results.Add(generator.Choice(args.Integer(0, "start"), args.Integer(1, "stop")).ToString(CultureInfo.InvariantCulture));
                    break;
                }
                case "choice":
                    results.Add(generator.Choice(ChoiceItems(call)));
                    break;
                default:
                    Assert.Fail($"unknown call '{name}' in '{call}'");
                    break;
            }
        }
        return results;
    }

    private static void RunUniform(NumpyGenerator generator, Arguments args, List<string> results)
    {
        var low = args.Get(0, "low");
        var high = args.Get(1, "high");
        int? size = args.TryGet(2, "size", out var sizeValue) ? (int)sizeValue.Values.Aggregate(1.0, (a, b) => a * b) : null;
        if (size is null && !low.IsList && !high.IsList)
        {
            results.Add(BitsOf(generator.Uniform(low.Values[0], high.Values[0])));
            return;
        }
        var destination = new double[size ?? Math.Max(low.Values.Length, high.Values.Length)];
        if (!low.IsList && !high.IsList) generator.Uniform(low.Values[0], high.Values[0], destination);
        else generator.Uniform(low.Values, high.Values, destination);
        results.AddRange(destination.Select(BitsOf));
    }

    private static void RunStandardNormal(NumpyGenerator generator, Arguments args, List<string> results)
    {
        if (!args.TryGet(0, "size", out var size))
        {
            results.Add(BitsOf(generator.StandardNormal()));
            return;
        }
        var destination = new double[(int)size.Values.Aggregate(1.0, (a, b) => a * b)];
        generator.StandardNormal(destination);
        results.AddRange(destination.Select(BitsOf));
    }

    /// <summary><c>normal(loc=0.0, scale=1.0, size=None)</c> with NumPy's defaults and broadcasting.</summary>
    private static void RunNormal(NumpyGenerator generator, Arguments args, List<string> results)
    {
        var loc = args.TryGet(0, "loc", out var l) ? l : new Value([0.0], IsList: false);
        var scale = args.TryGet(1, "scale", out var s) ? s : new Value([1.0], IsList: false);
        int? size = args.TryGet(2, "size", out var sizeValue) ? (int)sizeValue.Values.Aggregate(1.0, (a, b) => a * b) : null;
        if (size is null && !loc.IsList && !scale.IsList)
        {
            results.Add(BitsOf(generator.Normal(loc.Values[0], scale.Values[0])));
            return;
        }
        var destination = new double[size ?? Math.Max(loc.Values.Length, scale.Values.Length)];
        if (!loc.IsList && !scale.IsList) generator.Normal(loc.Values[0], scale.Values[0], destination);
        else generator.Normal(loc.Values, scale.Values, destination);
        results.AddRange(destination.Select(BitsOf));
    }

    private static string[] ChoiceItems(string call)
    {
        var list = ChoiceListPattern().Match(call);
        Assert.That(list.Success, $"no list in '{call}'");
        return [.. QuotedPattern().Matches(list.Groups[1].Value).Select(m => m.Groups[1].Value)];
    }

    private static string BalancedArguments(string text, int openParen)
    {
        int depth = 0;
        for (int i = openParen; i < text.Length; i++)
        {
            if (text[i] is '(' or '[') depth++;
            else if (text[i] is ')' or ']' && --depth == 0) return text[(openParen + 1)..i];
        }
        throw new FormatException($"unbalanced parentheses in '{text}'");
    }

    private static JsonElement SeedVector(ulong seed) =>
        Vectors.Value.RootElement.GetProperty("seeds").EnumerateArray().Single(s => s.GetProperty("seed").GetUInt64() == seed);

    private static Pcg64State ParseState(JsonElement state) => new(
        Hex128(state.GetProperty("state")),
        Hex128(state.GetProperty("inc")),
        state.GetProperty("has_uint32").GetInt32() != 0,
        state.GetProperty("uinteger").GetUInt32());

    private static UInt128 Hex128(JsonElement hex) =>
        UInt128.Parse(hex.GetString()!.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static uint[] UInts(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetUInt32())];

    private static string BitsOf(double value) => $"0x{BitConverter.DoubleToUInt64Bits(value):x16}";

    private static string Canonical(IEnumerable<int> list) => "[" + string.Join(",", list) + "]";

    private static string Canonical(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetInt64().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => Canonical(value.EnumerateArray().Select(e => e.GetInt32())),
        _ => throw new FormatException($"unexpected value {value}"),
    };

    [GeneratedRegex(@"^(\d+) x (.*)$")]
    private static partial Regex RepeatPattern();

    [GeneratedRegex(@"^\(lst = list\(range\((\d+)\)\); shuffle\(lst\)\)")]
    private static partial Regex ShufflePattern();

    [GeneratedRegex(@"^(\w+)\(")]
    private static partial Regex FunctionPattern();

    [GeneratedRegex(@"choice\(\[([^\]]*)\]\)")]
    private static partial Regex ChoiceListPattern();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex QuotedPattern();

    /// <summary>A Python argument value: a number, or a list/tuple of numbers.</summary>
    private sealed record Value(double[] Values, bool IsList);

    private sealed class Arguments
    {
        public List<Value> Positional { get; } = [];
        public Dictionary<string, Value> Keyword { get; } = [];

        public bool TryGet(int position, string name, out Value value)
        {
            if (Keyword.TryGetValue(name, out value!)) return true;
            if (position < Positional.Count)
            {
                value = Positional[position];
                return true;
            }
            return false;
        }

        public Value Get(int position, string name) =>
            TryGet(position, name, out var value) ? value : throw new FormatException($"missing argument {name}");

        public long Integer(int position, string name)
        {
            var value = Get(position, name);
            double number = value.Values.Single();
            Assert.That(!value.IsList && number == Math.Floor(number) && Math.Abs(number) < 1L << 53, $"{name} is not an exact integer");
            return (long)number;
        }
    }

    /// <summary>
    /// Evaluates the small subset of Python used in the recorded calls: numbers, <c>pi</c>, <c>nan</c>, <c>inf</c>, unary minus
    /// (also on lists), <c>+</c>, <c>-</c>, <c>**</c>, lists, tuples and keyword arguments.
    /// </summary>
    private sealed class ArgumentParser(string text)
    {
        private int _position;

        public Arguments Parse()
        {
            var arguments = new Arguments();
            SkipSpaces();
            while (_position < text.Length)
            {
                var keyword = KeywordPattern().Match(text, _position);
                if (keyword.Success)
                {
                    _position += keyword.Length;
                    arguments.Keyword[keyword.Groups[1].Value] = Sum();
                }
                else
                {
                    arguments.Positional.Add(Sum());
                }
                SkipSpaces();
                if (_position < text.Length) Expect(',');
                SkipSpaces();
            }
            return arguments;
        }

        private Value Sum()
        {
            var value = Unary();
            while (true)
            {
                SkipSpaces();
                if (Peek() is not ('+' or '-')) return value;
                char op = text[_position++];
                var right = Unary();
                value = Combine(value, right, op == '+' ? (a, b) => a + b : (a, b) => a - b);
            }
        }

        private Value Unary()
        {
            SkipSpaces();
            if (Peek() != '-') return Power();
            _position++;
            var operand = Unary();
            return operand with { Values = [.. operand.Values.Select(v => -v)] };
        }

        private Value Power()
        {
            var value = Atom();
            SkipSpaces();
            if (!text.AsSpan(_position).StartsWith("**")) return value;
            _position += 2;
            return Combine(value, Unary(), Math.Pow);
        }

        private Value Atom()
        {
            SkipSpaces();
            char c = Peek();
            if (c is '[' or '(')
            {
                char close = c == '[' ? ']' : ')';
                _position++;
                var items = new List<double>();
                while (true)
                {
                    SkipSpaces();
                    if (Peek() == close) break;
                    items.AddRange(Sum().Values);
                    SkipSpaces();
                    if (Peek() == ',') _position++;
                }
                _position++;
                return new Value([.. items], IsList: true);
            }
            var token = TokenPattern().Match(text, _position);
            if (!token.Success) throw new FormatException($"cannot parse '{text}' at {_position}");
            _position += token.Length;
            double number = token.Value switch
            {
                "pi" => Math.PI,
                "nan" => BitConverter.UInt64BitsToDouble(0x7FF8_0000_0000_0000), // Python's float("nan"); .NET's double.NaN has the sign bit set
                "inf" => double.PositiveInfinity,
                _ => double.Parse(token.Value, CultureInfo.InvariantCulture),
            };
            return new Value([number], IsList: false);
        }

        private static Value Combine(Value left, Value right, Func<double, double, double> op)
        {
            int length = Math.Max(left.Values.Length, right.Values.Length);
            var values = new double[length];
            for (int i = 0; i < length; i++)
                values[i] = op(left.Values[left.Values.Length == 1 ? 0 : i], right.Values[right.Values.Length == 1 ? 0 : i]);
            return new Value(values, left.IsList || right.IsList);
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c) throw new FormatException($"expected '{c}' in '{text}' at {_position}");
            _position++;
        }

        private void SkipSpaces()
        {
            while (_position < text.Length && text[_position] == ' ') _position++;
        }
    }

    [GeneratedRegex(@"\G(\w+)=")]
    private static partial Regex KeywordPattern();

    [GeneratedRegex(@"\G(pi|nan|inf|\d+(\.\d*)?([eE][-+]?\d+)?)")]
    private static partial Regex TokenPattern();
}
