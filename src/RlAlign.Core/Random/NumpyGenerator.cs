using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RlAlign.Core.Random;

/// <summary>
/// The complete state of NumPy's <c>PCG64</c> bit generator, as <c>bit_generator.state</c> reports it.
/// </summary>
/// <param name="State">The 128-bit LCG state.</param>
/// <param name="Increment">The LCG increment (always odd); fixed after seeding.</param>
/// <param name="HasUInt32">Whether the high half of the last 64-bit word is still waiting to be handed out by a 32-bit draw.</param>
/// <param name="UInteger">That waiting half-word. NumPy leaves a stale value here after it has been consumed, so it is kept
/// (not zeroed) to compare equal with Python's state.</param>
public readonly record struct Pcg64State(UInt128 State, UInt128 Increment, bool HasUInt32, uint UInteger);

/// <summary>
/// A bit-exact port of NumPy's <c>Generator(PCG64(SeedSequence(seed)))</c>, the generator Gymnasium
/// seeds every environment with. Same seed, same calls ⇒ same numbers as Python.
/// </summary>
/// <remarks>
/// Each method mirrors one NumPy call, including how many bits it consumes and from which path
/// (buffered 32-bit half-words versus whole 64-bit words), because environments interleave calls and
/// any difference would shift every later draw. No draw allocates.
/// </remarks>
public sealed class NumpyGenerator : IStateful
{
    private static readonly UInt128 Multiplier = new(0x2360ED051FC65DA4UL, 0x4385DF649FCCF645UL);

    /// <summary>2^-53: maps the top 53 bits of a word onto the doubles in [0, 1).</summary>
    private const double DoubleUnit = 1.0 / (1UL << 53);

    private UInt128 _state;
    private UInt128 _increment;
    private bool _hasUInt32;
    private uint _uinteger;

    private NumpyGenerator() { }

    /// <summary>
    /// Gymnasium's <c>np_random(seed)</c>: <c>SeedSequence(seed)</c> → <c>PCG64</c> → <c>Generator</c>.
    /// </summary>
    public static NumpyGenerator FromSeed(ulong seed)
    {
        Span<uint> pool = stackalloc uint[SeedSequence.PoolSize];
        SeedSequence.MixEntropy(seed, pool);
        Span<uint> words = stackalloc uint[8];
        SeedSequence.GenerateState(pool, words);

        // PCG64 reads generate_state(4, uint64), whose words are little-endian pairs of the uint32 output.
        ulong g0 = Combine(words[0], words[1]), g1 = Combine(words[2], words[3]);
        ulong g2 = Combine(words[4], words[5]), g3 = Combine(words[6], words[7]);
        var generator = new NumpyGenerator();
        generator.SeedPcg(new UInt128(g0, g1), new UInt128(g2, g3));
        return generator;

        static ulong Combine(uint low, uint high) => ((ulong)high << 32) | low;
    }

    /// <summary>Creates a generator in exactly <paramref name="state"/>, e.g. one copied from Python.</summary>
    public static NumpyGenerator FromState(Pcg64State state) => new() { State = state };

    /// <summary>
    /// The bit generator's state. Setting it makes this generator continue exactly as the one it was read from
    /// (including a pending 32-bit half-word).
    /// </summary>
    public Pcg64State State
    {
        get => new(_state, _increment, _hasUInt32, _uinteger);
        set
        {
            ValidateIncrement(value.Increment);
            (_state, _increment, _hasUInt32, _uinteger) = (value.State, value.Increment, value.HasUInt32, value.UInteger);
        }
    }

    /// <summary>An independent copy that produces the same stream from here on.</summary>
    public NumpyGenerator Clone() => new() { State = State };

    /// <summary>Writes the complete bit-generator state (37 bytes), pending half-word included.</summary>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write((ulong)(_state >> 64));
        writer.Write((ulong)_state);
        writer.Write((ulong)(_increment >> 64));
        writer.Write((ulong)_increment);
        writer.Write(_hasUInt32);
        writer.Write(_uinteger);
    }

    /// <summary>Reads a state written by <see cref="SaveState"/>.</summary>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var state = new UInt128(reader.ReadUInt64(), reader.ReadUInt64());
        var increment = new UInt128(reader.ReadUInt64(), reader.ReadUInt64());
        bool hasUInt32 = reader.ReadBoolean();
        uint uinteger = reader.ReadUInt32();
        State = new Pcg64State(state, increment, hasUInt32, uinteger);
    }

    /// <summary>
    /// The next raw 64-bit output (<c>bit_generator.random_raw()</c>). PCG64 advances the LCG first and
    /// then applies the XSL-RR output function (NumPy's <c>PCG64</c> does not use DXSM).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        UInt128 state = _state * Multiplier + _increment;
        _state = state;
        ulong high = (ulong)(state >> 64);
        return BitOperations.RotateRight(high ^ (ulong)state, (int)(high >> 58));
    }

    /// <summary>
    /// A 32-bit draw as NumPy makes it: each 64-bit word serves two calls, low half first. The pending
    /// high half survives intervening 64-bit draws, which is why it is part of <see cref="State"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (_hasUInt32)
        {
            _hasUInt32 = false;
            return _uinteger;
        }
        ulong value = NextUInt64();
        _uinteger = (uint)(value >> 32);
        _hasUInt32 = true;
        return (uint)value;
    }

    /// <summary><c>random()</c>: a double in [0, 1) from the top 53 bits of one 64-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Random() => (NextUInt64() >> 11) * DoubleUnit;

    /// <summary>
    /// <c>uniform(low, high)</c>: <c>low + (high - low) * random()</c>, with the range rounded to a double first
    /// as NumPy does. <paramref name="high"/> may be below <paramref name="low"/>; an equal pair still consumes a draw.
    /// </summary>
    /// <exception cref="OverflowException"><c>high - low</c> is not finite (NumPy raises <c>OverflowError</c>).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Uniform(double low, double high)
    {
        double range = high - low;
        if (!double.IsFinite(range)) ThrowRangeNotFinite();
        return low + range * Random();
    }

    /// <summary>
    /// <c>uniform(low, high)</c> with array bounds: one draw per element, in order. A bound of length 1 is
    /// broadcast, as NumPy would.
    /// </summary>
    public void Uniform(ReadOnlySpan<double> low, ReadOnlySpan<double> high, Span<double> destination)
    {
        CheckBroadcast(low.Length, destination.Length, nameof(low));
        CheckBroadcast(high.Length, destination.Length, nameof(high));
        // NumPy validates every range before drawing anything, so a failing call leaves the stream untouched.
        for (int i = 0; i < destination.Length; i++)
        {
            if (!double.IsFinite(high[high.Length == 1 ? 0 : i] - low[low.Length == 1 ? 0 : i])) ThrowRangeNotFinite();
        }
        for (int i = 0; i < destination.Length; i++)
        {
            double l = low[low.Length == 1 ? 0 : i];
            destination[i] = l + (high[high.Length == 1 ? 0 : i] - l) * Random();
        }
    }

    /// <summary><c>uniform(low, high, size=destination.Length)</c>: one draw per element, in order.</summary>
    public void Uniform(double low, double high, Span<double> destination)
    {
        double range = high - low;
        if (!double.IsFinite(range)) ThrowRangeNotFinite();
        for (int i = 0; i < destination.Length; i++) destination[i] = low + range * Random();
    }

    /// <summary>
    /// <c>standard_normal()</c>: NumPy's 256-layer ziggurat on whole 64-bit words. One word gives the layer (low 8
    /// bits), the sign (next bit) and a 52-bit magnitude; about 1 % of draws fall outside the layer's rectangle and
    /// take further <see cref="Random"/> draws for the wedge test or the tail, exactly as NumPy does.
    /// </summary>
    public double StandardNormal()
    {
        ReadOnlySpan<ulong> k = NumpyZigguratTables.K;
        ReadOnlySpan<double> w = NumpyZigguratTables.W;
        ReadOnlySpan<double> f = NumpyZigguratTables.F;
        while (true)
        {
            ulong word = NextUInt64();
            int layer = (int)(word & 0xff);
            word >>= 8;
            ulong magnitude = (word >> 1) & 0x000f_ffff_ffff_ffff;
            double x = magnitude * w[layer];
            if ((word & 1) != 0) x = -x;
            if (magnitude < k[layer]) return x;
            if (layer == 0) return NormalTail(negative: ((magnitude >> 8) & 1) != 0);
            // Wedge between the rectangle and the curve: accept under exp(-x²/2). The expression keeps NumPy's
            // operation order, so the comparison sees the same bits.
            if ((f[layer - 1] - f[layer]) * Random() + f[layer] < Math.Exp(-0.5 * x * x)) return x;
        }
    }

    /// <summary><c>standard_normal(size=destination.Length)</c>: one <see cref="StandardNormal()"/> per element, in order.</summary>
    public void StandardNormal(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = StandardNormal();
    }

    /// <summary><c>normal(loc, scale)</c>: <c>loc + scale * standard_normal()</c>. A zero scale still consumes a draw.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is negative or −0 (NumPy raises <c>ValueError: scale &lt; 0</c>); NaN is allowed, as in NumPy.</exception>
    public double Normal(double loc, double scale)
    {
        CheckScale(scale);
        return loc + scale * StandardNormal();
    }

    /// <summary><c>normal(loc, scale, size=destination.Length)</c>: one draw per element, in order.</summary>
    /// <inheritdoc cref="Normal(double, double)" path="/exception"/>
    public void Normal(double loc, double scale, Span<double> destination)
    {
        CheckScale(scale);
        for (int i = 0; i < destination.Length; i++) destination[i] = loc + scale * StandardNormal();
    }

    /// <summary>
    /// <c>normal(loc, scale)</c> with array parameters: one draw per element, in order; a parameter of length 1 is
    /// broadcast. Every scale is checked before anything is drawn, so a failing call leaves the stream untouched.
    /// </summary>
    /// <inheritdoc cref="Normal(double, double)" path="/exception"/>
    public void Normal(ReadOnlySpan<double> loc, ReadOnlySpan<double> scale, Span<double> destination)
    {
        CheckBroadcast(loc.Length, destination.Length, nameof(loc));
        CheckBroadcast(scale.Length, destination.Length, nameof(scale));
        foreach (double s in scale) CheckScale(s);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = loc[loc.Length == 1 ? 0 : i] + scale[scale.Length == 1 ? 0 : i] * StandardNormal();
    }

    /// <summary>
    /// Marsaglia's tail beyond <see cref="NumpyZigguratTables.R"/>: NumPy draws exponentials as <c>-log1p(-u)</c>
    /// (never log 0) until one pair lands under the curve; the sign is a bit of the rejected first word.
    /// </summary>
    private double NormalTail(bool negative)
    {
        while (true)
        {
            double x = -NumpyZigguratTables.InverseR * CRuntimeMath.Log1P(-Random());
            double y = -CRuntimeMath.Log1P(-Random());
            if (y + y > x * x) return negative ? -(NumpyZigguratTables.R + x) : NumpyZigguratTables.R + x;
        }
    }

    /// <summary>NumPy's non-negative constraint: the sign bit must be clear unless the value is NaN (so −0 fails).</summary>
    private static void CheckScale(double scale)
    {
        if (!double.IsNaN(scale) && double.IsNegative(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale < 0: a normal distribution's scale must be non-negative.");
    }

    /// <summary>
    /// <c>integers(low, high)</c> with the default int64 dtype: <paramref name="high"/> exclusive. Ranges
    /// below 2^32 use Lemire's method on buffered 32-bit half-words, larger ones on whole 64-bit words, and a
    /// single-value range consumes nothing — each exactly as NumPy, so the stream stays aligned.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="high"/> ≤ <paramref name="low"/>.</exception>
    public long Integers(long low, long high)
    {
        if (high <= low) ThrowEmptyRange(low, high);
        ulong rng = unchecked((ulong)(high - low) - 1);
        if (rng == 0) return low;
        if (rng < uint.MaxValue) return low + BoundedUInt32((uint)rng);
        if (rng == uint.MaxValue) return low + NextUInt32();
        return unchecked(low + (long)BoundedUInt64(rng));
    }

    /// <summary><c>choice(items)</c> without <c>p</c>: exactly <c>items[integers(0, len(items))]</c>.</summary>
    public T Choice<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) ThrowEmptyChoice();
        return items[(int)Integers(0, items.Count)];
    }

    /// <summary><c>choice(range(start, stop))</c>: <c>start + integers(0, stop - start)</c>.</summary>
    public long Choice(long start, long stop)
    {
        if (stop <= start) ThrowEmptyChoice();
        // integers(start, stop) runs the same bounded draw on the same range width, offset by start.
        return Integers(start, stop);
    }

    /// <summary>
    /// <c>shuffle(list)</c>: Fisher–Yates from the end, with NumPy's masked-rejection <c>random_interval</c>
    /// (not Lemire), so the permutation matches Python's.
    /// </summary>
    public void Shuffle<T>(IList<T> list)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list is T[] array)
        {
            Shuffle(array.AsSpan());
            return;
        }
        if (list is List<T> concrete)
        {
            Shuffle(CollectionsMarshal.AsSpan(concrete));
            return;
        }
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = (int)Interval((uint)i);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    /// <inheritdoc cref="Shuffle{T}(IList{T})"/>
    public void Shuffle<T>(Span<T> span)
    {
        for (int i = span.Length - 1; i > 0; i--)
        {
            int j = (int)Interval((uint)i);
            (span[i], span[j]) = (span[j], span[i]);
        }
    }

    /// <summary>Lemire's bounded draw on a 32-bit half-word; <paramref name="rng"/> is the largest value wanted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint BoundedUInt32(uint rng)
    {
        uint n = rng + 1;
        ulong m = (ulong)NextUInt32() * n;
        uint leftover = (uint)m;
        if (leftover < n)
        {
            uint threshold = (uint.MaxValue - rng) % n;
            while (leftover < threshold)
            {
                m = (ulong)NextUInt32() * n;
                leftover = (uint)m;
            }
        }
        return (uint)(m >> 32);
    }

    /// <summary>Lemire's bounded draw on a whole 64-bit word (128-bit product).</summary>
    private ulong BoundedUInt64(ulong rng)
    {
        if (rng == ulong.MaxValue) return NextUInt64();
        ulong n = rng + 1;
        ulong high = Math.BigMul(NextUInt64(), n, out ulong leftover);
        if (leftover < n)
        {
            ulong threshold = (ulong.MaxValue - rng) % n;
            while (leftover < threshold) high = Math.BigMul(NextUInt64(), n, out leftover);
        }
        return high;
    }

    /// <summary>NumPy's <c>random_interval(max)</c> for <paramref name="max"/> &lt; 2^32: 32-bit draws masked to the smallest covering power of two, rejecting values above <paramref name="max"/>.</summary>
    private uint Interval(uint max)
    {
        uint mask = uint.MaxValue >> BitOperations.LeadingZeroCount(max);
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary><c>pcg_setseq_128_srandom_r</c>: the stream is chosen by <paramref name="initSequence"/>, the position by <paramref name="seed"/>.</summary>
    private void SeedPcg(UInt128 seed, UInt128 initSequence)
    {
        _increment = (initSequence << 1) | 1;
        _state = 0;
        _state = _state * Multiplier + _increment;
        _state += seed;
        _state = _state * Multiplier + _increment;
        _hasUInt32 = false;
        _uinteger = 0;
    }

    private static void ValidateIncrement(UInt128 increment)
    {
        if ((increment & 1) == 0)
            throw new ArgumentException("A PCG64 increment must be odd; this state did not come from a PCG64 generator.", nameof(increment));
    }

    private static void CheckBroadcast(int length, int destinationLength, string name)
    {
        if (length != destinationLength && length != 1)
            throw new ArgumentException($"Length {length} cannot be broadcast to {destinationLength}.", name);
    }

    [DoesNotReturn]
    private static void ThrowEmptyRange(long low, long high) =>
        throw new ArgumentOutOfRangeException(nameof(high), high, $"high must be greater than low ({low}).");

    [DoesNotReturn]
    private static void ThrowEmptyChoice() => throw new ArgumentException("Cannot choose from an empty sequence.");

    [DoesNotReturn]
    private static void ThrowRangeNotFinite() => throw new OverflowException("high - low range exceeds valid bounds.");

    /// <summary>
    /// NumPy's <c>SeedSequence</c> for an integer entropy and no spawn key: hashes the seed's 32-bit words
    /// into a 4-word pool, then expands the pool into as many words as the bit generator asks for.
    /// </summary>
    internal static class SeedSequence
    {
        public const int PoolSize = 4;

        private const uint InitA = 0x43b0d7e5, MultA = 0x931e8875;
        private const uint InitB = 0x8b51f9dd, MultB = 0x58f38ded;
        private const uint MixMultL = 0xca01f9dd, MixMultR = 0x4973f715;
        private const int XShift = 16;

        /// <summary>Fills <paramref name="pool"/> from <paramref name="seed"/>'s 32-bit words, least significant first (seed 0 is the single word 0).</summary>
        public static void MixEntropy(ulong seed, Span<uint> pool)
        {
            // A 64-bit seed has at most two words, so none is left over to fold in after the pool is mixed.
            uint hashConst = InitA;
            for (int i = 0; i < pool.Length; i++)
                pool[i] = HashMix(i switch { 0 => (uint)seed, 1 => (uint)(seed >> 32), _ => 0 }, ref hashConst);
            for (int src = 0; src < pool.Length; src++)
            {
                for (int dst = 0; dst < pool.Length; dst++)
                {
                    if (src != dst) pool[dst] = Mix(pool[dst], HashMix(pool[src], ref hashConst));
                }
            }
        }

        /// <summary><c>generate_state(words.Length, uint32)</c>: cycles through the pool with a second hash.</summary>
        public static void GenerateState(ReadOnlySpan<uint> pool, Span<uint> words)
        {
            uint hashConst = InitB;
            for (int i = 0; i < words.Length; i++)
            {
                uint value = pool[i % pool.Length] ^ hashConst;
                hashConst *= MultB;
                value *= hashConst;
                words[i] = value ^ (value >> XShift);
            }
        }

        private static uint HashMix(uint value, ref uint hashConst)
        {
            value ^= hashConst;
            hashConst *= MultA;
            value *= hashConst;
            return value ^ (value >> XShift);
        }

        private static uint Mix(uint x, uint y)
        {
            uint result = MixMultL * x - MixMultR * y;
            return result ^ (result >> XShift);
        }
    }
}
