using RlAlign.Core.Spaces;

namespace RlAlign.Core.Wrappers;

/// <summary>
/// Gymnasium's <c>ClipObservation</c>: clips each observation element to [low, high]; the observation
/// space is the inner <see cref="Box"/> narrowed to those bounds.
/// </summary>
public sealed class ClipObservation : ObservationWrapper
{
    private readonly float[] _low;
    private readonly float[] _high;

    /// <summary>Clips every element to the same [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public ClipObservation(IEnv env, float low, float high)
        : this(env, Filled(env, low), Filled(env, high)) { }

    /// <summary>Clips element i to [<paramref name="low"/>[i], <paramref name="high"/>[i]].</summary>
    public ClipObservation(IEnv env, float[] low, float[] high) : base(env)
    {
        Box inner = env.ObservationSpace as Box
            ?? throw new ArgumentException($"ClipObservation needs a Box observation space, but the env's observation space is {env.ObservationSpace}.", nameof(env));
        if (low.Length != inner.FlatSize || high.Length != inner.FlatSize)
            throw new ArgumentException($"ClipObservation got {low.Length} low and {high.Length} high bounds for {inner}, which has {inner.FlatSize} elements.");
        var spaceLow = new float[low.Length];
        var spaceHigh = new float[high.Length];
        for (int i = 0; i < low.Length; i++)
        {
            if (!(low[i] <= high[i]))
                throw new ArgumentException($"ClipObservation needs low <= high, got low[{i}] = {low[i]} and high[{i}] = {high[i]}.");
            spaceLow[i] = Math.Max(inner.Low[i], low[i]);
            spaceHigh[i] = Math.Min(inner.High[i], high[i]);
            if (spaceLow[i] > spaceHigh[i])
                throw new ArgumentException($"ClipObservation bounds [{low[i]}, {high[i]}] for element {i} do not overlap the observation's bounds [{inner.Low[i]}, {inner.High[i]}].");
        }
        _low = low;
        _high = high;
        ObservationSpace = new Box(spaceLow, spaceHigh, [.. inner.Shape], inner.DType);
    }

    public override Space ObservationSpace { get; }

    protected override void Observation(ReadOnlySpan<float> observation, Span<float> destination)
    {
        for (int i = 0; i < observation.Length; i++) destination[i] = Math.Clamp(observation[i], _low[i], _high[i]);
    }

    private static float[] Filled(IEnv env, float value)
    {
        var values = new float[env.ObservationSpace.FlatSize];
        Array.Fill(values, value);
        return values;
    }
}
