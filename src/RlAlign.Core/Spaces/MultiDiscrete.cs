using RlAlign.Core.Random;

namespace RlAlign.Core.Spaces;

/// <summary><c>MultiDiscrete(nvec)</c>: independent discrete components, component i in 0 .. nvec[i] - 1.</summary>
public sealed class MultiDiscrete : Space
{
    private readonly int[] _shape;

    public MultiDiscrete(int[] nvec)
    {
        if (nvec.Length == 0) throw new ArgumentException("MultiDiscrete needs at least one component.");
        foreach (int n in nvec)
            if (n <= 0) throw new ArgumentException($"MultiDiscrete components must be > 0, got [{string.Join(", ", nvec)}].");
        Nvec = nvec;
        _shape = [nvec.Length];
        FlatDim = nvec.Sum();
    }

    public int[] Nvec { get; }
    public override IReadOnlyList<int> Shape => _shape;
    public override int FlatSize => Nvec.Length;
    public override int FlatDim { get; }

    /// <summary>Gymnasium: <c>(random(shape) * nvec).astype(int64)</c>.</summary>
    public override void Sample(NumpyGenerator rng, Span<float> destination)
    {
        for (int i = 0; i < Nvec.Length; i++) destination[i] = (float)Math.Floor(rng.Random() * Nvec[i]);
    }

    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != Nvec.Length) return false;
        for (int i = 0; i < value.Length; i++)
            if (!(value[i] == MathF.Floor(value[i]) && value[i] >= 0 && value[i] < Nvec[i])) return false;
        return true;
    }

    public override void Flatten(ReadOnlySpan<float> value, Span<float> destination)
    {
        destination[..FlatDim].Clear();
        int offset = 0;
        for (int i = 0; i < Nvec.Length; i++)
        {
            destination[offset + (int)value[i]] = 1f;
            offset += Nvec[i];
        }
    }

    public override string ToString() => $"MultiDiscrete([{string.Join(", ", Nvec)}])";
}
