using RlAlign.Core.Spaces;

namespace RlAlign.Core.Wrappers;

/// <summary>Writes the transformed <paramref name="observation"/> into <paramref name="destination"/> (the two never overlap).</summary>
public delegate void ObservationTransform(ReadOnlySpan<float> observation, Span<float> destination);

/// <summary>
/// Gymnasium's <c>TransformObservation</c>: applies <c>transform</c> to each observation. Pass the
/// transformed observations' space when it differs from the inner env's (in size or bounds).
/// </summary>
public sealed class TransformObservation : ObservationWrapper
{
    private readonly ObservationTransform _transform;

    public TransformObservation(IEnv env, ObservationTransform transform, Space? observationSpace = null) : base(env)
    {
        _transform = transform ?? throw new ArgumentNullException(nameof(transform), "TransformObservation needs a transform.");
        ObservationSpace = observationSpace ?? env.ObservationSpace;
    }

    public override Space ObservationSpace { get; }

    protected override void Observation(ReadOnlySpan<float> observation, Span<float> destination) => _transform(observation, destination);
}
