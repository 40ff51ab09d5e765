namespace RlAlign.Core.Wrappers;

/// <summary>Gymnasium's <c>TimeLimit</c>: sets <c>truncated</c> once <see cref="MaxEpisodeSteps"/> steps have passed.</summary>
public sealed class TimeLimit : Wrapper
{
    private int _elapsedSteps;

    public TimeLimit(IEnv env, int maxEpisodeSteps) : base(env)
    {
        if (maxEpisodeSteps <= 0) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), $"max_episode_steps must be > 0, got {maxEpisodeSteps}.");
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    public int MaxEpisodeSteps { get; }
    public int ElapsedSteps => _elapsedSteps;

    public override void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        _elapsedSteps = 0;
        Env.Reset(observation, seed, options);
    }

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        _elapsedSteps++;
        return _elapsedSteps >= MaxEpisodeSteps ? result with { Truncated = true } : result;
    }

    protected override void SaveOwnState(BinaryWriter writer) => writer.Write(_elapsedSteps);

    protected override void LoadOwnState(BinaryReader reader)
    {
        int elapsedSteps = reader.ReadInt32();
        if (elapsedSteps < 0) throw new InvalidDataException($"TimeLimit state holds {elapsedSteps} elapsed steps.");
        _elapsedSteps = elapsedSteps;
    }
}
