using RlAlign.Core.Random;

namespace RlAlign.Core.Spaces;

/// <summary><c>Discrete(n, start)</c>: the integers start .. start + n - 1, stored as one float.</summary>
public sealed class Discrete : Space
{
    private static readonly int[] ScalarShape = [];

    public Discrete(int n, int start = 0)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"Discrete needs n > 0, got {n}.");
        N = n;
        Start = start;
    }

    public int N { get; }
    public int Start { get; }
    public override IReadOnlyList<int> Shape => ScalarShape;
    public override int FlatSize => 1;
    public override int FlatDim => N;

    public int SampleInt(NumpyGenerator rng) => Start + (int)rng.Integers(0, N);

    public override void Sample(NumpyGenerator rng, Span<float> destination) => destination[0] = SampleInt(rng);

    public bool Contains(int value) => value >= Start && value < Start + N;

    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != 1) return false;
        float v = value[0];
        return v == MathF.Floor(v) && v >= Start && v < Start + N;
    }

    public override void Flatten(ReadOnlySpan<float> value, Span<float> destination)
    {
        destination[..N].Clear();
        destination[(int)value[0] - Start] = 1f;
    }

    public override string ToString() => Start == 0 ? $"Discrete({N})" : $"Discrete({N}, start={Start})";
}
