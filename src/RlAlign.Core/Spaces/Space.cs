using RlAlign.Core.Random;

namespace RlAlign.Core.Spaces;

/// <summary>
/// A Gymnasium space. Values of every space are stored as float32 in flat buffers
/// (<see cref="FlatSize"/> floats per value): this is the layout of observations and actions in
/// <see cref="IEnv"/>, vector envs and rollouts. A discrete value is stored as its integer.
/// </summary>
public abstract class Space
{
    private NumpyGenerator? _rng;

    /// <summary>The shape of one value, as Gymnasium reports it.</summary>
    public abstract IReadOnlyList<int> Shape { get; }

    /// <summary>How many floats one value occupies in a flat buffer.</summary>
    public abstract int FlatSize { get; }

    /// <summary>Gymnasium's <c>flatdim</c>: the size of <see cref="Flatten"/>'s output (one-hot for discrete).</summary>
    public abstract int FlatDim { get; }

    /// <summary>Seeds this space's own generator, as <c>space.seed(seed)</c> does.</summary>
    public void Seed(ulong seed) => _rng = NumpyGenerator.FromSeed(seed);

    /// <summary>The space's own generator; seeded from OS entropy if <see cref="Seed"/> was never called.</summary>
    protected NumpyGenerator Rng => _rng ??= NumpyGenerator.FromSeed((ulong)System.Random.Shared.NextInt64());

    /// <summary>Draws a value uniformly (per Gymnasium's rules for this space) into <paramref name="destination"/>.</summary>
    public abstract void Sample(NumpyGenerator rng, Span<float> destination);

    public void Sample(Span<float> destination) => Sample(Rng, destination);

    public float[] Sample()
    {
        var value = new float[FlatSize];
        Sample(Rng, value);
        return value;
    }

    /// <summary>True when <paramref name="value"/> (a flat value of <see cref="FlatSize"/> floats) lies in the space.</summary>
    public abstract bool Contains(ReadOnlySpan<float> value);

    /// <summary>Gymnasium's <c>flatten</c>: writes <see cref="FlatDim"/> floats (one-hot for discrete parts).</summary>
    public abstract void Flatten(ReadOnlySpan<float> value, Span<float> destination);

    /// <summary>Throws a clear error when <paramref name="value"/> is not in the space. Used by envs to check actions.</summary>
    public void EnsureContains(ReadOnlySpan<float> value, string what)
    {
        if (value.Length != FlatSize)
            throw new ArgumentException($"{what} has {value.Length} values; {this} expects {FlatSize}.");
        if (!Contains(value))
            throw new ArgumentOutOfRangeException(what, $"{what} [{string.Join(", ", value.ToArray())}] is not in {this}.");
    }
}
