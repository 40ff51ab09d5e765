using RlAlign.Core.Spaces;

namespace RlAlign.Core.Wrappers;

/// <summary>
/// Gymnasium's <c>NormalizeObservation</c>: each observation (from <c>Reset</c> too) first updates a
/// running mean and variance, then is returned as <c>(obs - mean) / sqrt(var + epsilon)</c>.
/// Set <see cref="UpdateRunningStats"/> to false to freeze the statistics, e.g. for evaluation.
/// The observation space becomes an unbounded float32 <see cref="Box"/> of the same shape.
/// </summary>
public sealed class NormalizeObservation : ObservationWrapper
{
    public NormalizeObservation(IEnv env, double epsilon = 1e-8) : base(env)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"NormalizeObservation needs a finite epsilon >= 0, got {epsilon}.");
        Epsilon = epsilon;
        Space inner = env.ObservationSpace;
        int[] shape = inner is Box box ? [.. box.Shape] : [inner.FlatSize];
        ObservationSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, shape);
        Statistics = new RunningMeanStd(inner.FlatSize);
    }

    public override Space ObservationSpace { get; }
    public double Epsilon { get; }

    /// <summary>The running statistics of the inner env's observations.</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>Gymnasium's <c>update_running_mean</c>: when false, observations are normalized with frozen statistics.</summary>
    public bool UpdateRunningStats { get; set; } = true;

    protected override void Observation(ReadOnlySpan<float> observation, Span<float> destination)
    {
        if (UpdateRunningStats) Statistics.Update(observation);
        Statistics.Normalize(observation, destination, Epsilon);
    }

    protected override void SaveOwnState(BinaryWriter writer) => Statistics.SaveState(writer);

    protected override void LoadOwnState(BinaryReader reader) => Statistics.LoadState(reader);
}
