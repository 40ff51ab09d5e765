using RlAlign.Core.Spaces;

namespace RlAlign.Core.Tests.TestEnvs;

/// <summary>
/// Plays back a script: <c>Reset</c> gives <c>observations[0]</c>; the n-th <c>Step</c> of the env's life
/// (n = 1, 2, ..., across episodes, wrapping around) gives <c>observations[n]</c>, <c>rewards[n - 1]</c>
/// and <c>terminations[n - 1]</c>. Deliberately not <see cref="IStateful"/>.
/// </summary>
public sealed class ScriptedEnv : IEnv
{
    private readonly float[][] _observations;
    private readonly double[] _rewards;
    private readonly bool[] _terminations;
    private int _steps;

    public ScriptedEnv(Space observationSpace, Space actionSpace, float[][] observations, double[]? rewards = null, bool[]? terminations = null)
    {
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        _observations = observations;
        _rewards = rewards ?? [0.0];
        _terminations = terminations ?? [false];
        LastAction = new float[actionSpace.FlatSize];
    }

    /// <summary>A script of rewards and terminations with a constant one-element observation.</summary>
    public static ScriptedEnv OfRewards(double[] rewards, bool[]? terminations = null)
        => new(new Box(-1f, 1f, [1]), new Discrete(2), [[0f]], rewards, terminations);

    public Space ObservationSpace { get; }
    public Space ActionSpace { get; }
    public EnvSpec? Spec { get; set; }
    public IEnv Unwrapped => this;
    public float[] LastAction { get; }

    public void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null) => _observations[0].CopyTo(observation);

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        action.CopyTo(LastAction);
        int index = _steps++;
        _observations[(index + 1) % _observations.Length].CopyTo(observation);
        return new StepResult(_rewards[index % _rewards.Length], _terminations[index % _terminations.Length], Truncated: false);
    }

    public void Dispose() { }
}
