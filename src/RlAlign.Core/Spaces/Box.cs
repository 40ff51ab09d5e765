using RlAlign.Core.Random;

namespace RlAlign.Core.Spaces;

/// <summary>Element types a <see cref="Box"/> reports (values are always stored as float32).</summary>
public enum DType { Float32, Float64, UInt8, Int64 }

/// <summary><c>Box(low, high, shape, dtype)</c>: a (possibly unbounded) n-dimensional box.</summary>
public sealed class Box : Space
{
    private readonly int[] _shape;

    public Box(float[] low, float[] high, int[]? shape = null, DType dtype = DType.Float32)
    {
        if (low.Length != high.Length)
            throw new ArgumentException($"Box low has {low.Length} values but high has {high.Length}.");
        _shape = shape ?? [low.Length];
        int size = 1;
        foreach (int d in _shape) size *= d;
        if (size != low.Length)
            throw new ArgumentException($"Box shape [{string.Join(", ", _shape)}] holds {size} values, but low/high have {low.Length}.");
        for (int i = 0; i < low.Length; i++)
            if (low[i] > high[i]) throw new ArgumentException($"Box low[{i}] = {low[i]} is above high[{i}] = {high[i]}.");
        Low = low;
        High = high;
        DType = dtype;
    }

    /// <summary>A box with the same bounds on every element.</summary>
    public Box(float low, float high, int[] shape, DType dtype = DType.Float32)
        : this(Filled(shape, low), Filled(shape, high), shape, dtype) { }

    public float[] Low { get; }
    public float[] High { get; }
    public DType DType { get; }
    public override IReadOnlyList<int> Shape => _shape;
    public override int FlatSize => Low.Length;
    public override int FlatDim => Low.Length;

    public bool IsBounded
    {
        get
        {
            for (int i = 0; i < Low.Length; i++)
                if (float.IsInfinity(Low[i]) || float.IsInfinity(High[i])) return false;
            return true;
        }
    }

    /// <summary>
    /// Gymnasium's Box.sample for bounded elements (<c>uniform(low, high)</c>, integer boxes with
    /// <c>high + 1</c> then floored). Unbounded elements use a standard normal (Box–Muller here, not
    /// NumPy's ziggurat) shifted by the finite bound, as Gymnasium does with exponentials for half-open ones.
    /// </summary>
    public override void Sample(NumpyGenerator rng, Span<float> destination)
    {
        bool isFloat = DType is DType.Float32 or DType.Float64;
        for (int i = 0; i < Low.Length; i++)
        {
            double low = Low[i], high = isFloat ? High[i] : Math.Floor((double)High[i]) + 1;
            bool lowFinite = !double.IsInfinity(low), highFinite = !double.IsInfinity(High[i]);
            double value;
            if (lowFinite && highFinite) value = rng.Uniform(low, high);
            else if (lowFinite) value = low - Math.Log(1 - rng.Random());
            else if (highFinite) value = high + Math.Log(1 - rng.Random());
            else value = StandardNormal(rng);
            destination[i] = isFloat ? (float)value : (float)Math.Floor(value);
        }
    }

    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != Low.Length) return false;
        for (int i = 0; i < value.Length; i++)
            if (!(value[i] >= Low[i] && value[i] <= High[i])) return false; // NaN fails too
        return true;
    }

    public override void Flatten(ReadOnlySpan<float> value, Span<float> destination) => value.CopyTo(destination);

    /// <summary>Gymnasium's repr: <c>Box(-inf, inf, (11,), float32)</c>, with per-element bounds listed when they differ.</summary>
    public override string ToString()
    {
        string shape = $"({string.Join(", ", _shape)}{(_shape.Length == 1 ? "," : "")})";
        string dtype = DType.ToString().ToLowerInvariant();
        bool uniform = Array.TrueForAll(Low, l => l == Low[0]) && Array.TrueForAll(High, h => h == High[0]);
        return uniform
            ? $"Box({Format(Low[0])}, {Format(High[0])}, {shape}, {dtype})"
            : $"Box([{string.Join(", ", Low.Select(Format))}], [{string.Join(", ", High.Select(Format))}], {shape}, {dtype})";

        static string Format(float bound) => float.IsPositiveInfinity(bound) ? "inf"
            : float.IsNegativeInfinity(bound) ? "-inf"
            : bound.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double StandardNormal(NumpyGenerator rng)
    {
        double u1 = 1 - rng.Random(), u2 = rng.Random();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static float[] Filled(int[] shape, float value)
    {
        int size = 1;
        foreach (int d in shape) size *= d;
        return Enumerable.Repeat(value, size).ToArray();
    }
}
