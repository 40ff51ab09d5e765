namespace RlAlign.Core.Random;

/// <summary>
/// A bit-exact port of NumPy's <c>Generator(PCG64(SeedSequence(seed)))</c>, the generator Gymnasium
/// seeds every environment with. Same seed, same calls ⇒ same numbers as Python.
/// </summary>
public sealed class NumpyGenerator
{
    // PLACEHOLDER: the implementation lands with the RNG work item.
    private NumpyGenerator() { }

    /// <summary>Gymnasium's <c>np_random(seed)</c>: SeedSequence(seed) → PCG64 → Generator.</summary>
    public static NumpyGenerator FromSeed(ulong seed) => throw new NotImplementedException();

    public ulong NextUInt64() => throw new NotImplementedException();
    public uint NextUInt32() => throw new NotImplementedException();

    /// <summary><c>random()</c>: a double in [0, 1).</summary>
    public double Random() => throw new NotImplementedException();

    /// <summary><c>uniform(low, high)</c>.</summary>
    public double Uniform(double low, double high) => throw new NotImplementedException();

    /// <summary><c>integers(low, high)</c>: high exclusive.</summary>
    public long Integers(long low, long high) => throw new NotImplementedException();

    public NumpyGenerator Clone() => throw new NotImplementedException();
}
