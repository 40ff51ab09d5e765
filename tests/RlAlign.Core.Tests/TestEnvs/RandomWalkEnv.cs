using RlAlign.Core.Spaces;

namespace RlAlign.Core.Tests.TestEnvs;

/// <summary>
/// A noisy 1-D walk with episodes of random length, driven by its own small generator (SplitMix64), so
/// tests of seeding, vector envs and checkpoints do not depend on <c>NumpyGenerator</c>.
/// Action 0/1/2 pushes left/not/right; the episode terminates when |position| exceeds 2.
/// Observation: [position, velocity, noise of the last step].
/// </summary>
public sealed class RandomWalkEnv(ulong initialSeed = 0) : IEnv, IStateful
{
    private ulong _rngState = initialSeed;
    private double _position;
    private double _velocity;
    private double _noise;

    public Space ObservationSpace { get; } = new Box(float.NegativeInfinity, float.PositiveInfinity, [3]);
    public Space ActionSpace { get; } = new Discrete(3);
    public EnvSpec? Spec { get; set; }
    public IEnv Unwrapped => this;

    public void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        if (seed is ulong s) _rngState = s;
        _position = NextUniform() - 0.5;
        _velocity = 0;
        _noise = 0;
        Write(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ActionSpace.EnsureContains(action, "RandomWalkEnv action");
        _noise = (NextUniform() - 0.5) * 0.2;
        _velocity = 0.9 * _velocity + (action[0] - 1) * 0.05 + _noise;
        _position += _velocity;
        Write(observation);
        bool terminated = Math.Abs(_position) > 2;
        return new StepResult(Reward: 1 - Math.Abs(_position) + _noise, terminated, Truncated: false);
    }

    public void SaveState(BinaryWriter writer)
    {
        writer.Write(_rngState);
        writer.Write(_position);
        writer.Write(_velocity);
        writer.Write(_noise);
    }

    public void LoadState(BinaryReader reader)
    {
        _rngState = reader.ReadUInt64();
        _position = reader.ReadDouble();
        _velocity = reader.ReadDouble();
        _noise = reader.ReadDouble();
    }

    public void Dispose() { }

    private double NextUniform()
    {
        ulong z = _rngState += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    private void Write(Span<float> observation)
    {
        observation[0] = (float)_position;
        observation[1] = (float)_velocity;
        observation[2] = (float)_noise;
    }
}
