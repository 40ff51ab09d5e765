using RlAlign.Core.Spaces;

namespace RlAlign.Core.Tests.TestEnvs;

/// <summary>
/// A fully predictable env: step t of an episode (t = 1, 2, ...) gives reward t, and the episode
/// terminates after <see cref="EpisodeLength"/> steps (return k(k+1)/2). The observation is
/// [t, resets so far, first action element], so tests can see resets and what action arrived.
/// </summary>
public sealed class CounterEnv(int episodeLength = 5) : IEnv, IStateful
{
    public const int ObservationSize = 3;

    private int _step;
    private int _resets;
    private float _lastAction;

    public Space ObservationSpace { get; } = new Box(-1e6f, 1e6f, [ObservationSize]);
    public Space ActionSpace { get; } = new Box(-1f, 1f, [1]);
    public EnvSpec? Spec { get; set; }
    public IEnv Unwrapped => this;

    public int EpisodeLength { get; } = episodeLength > 0 ? episodeLength : throw new ArgumentOutOfRangeException(nameof(episodeLength));

    /// <summary>When set, <see cref="Step"/> throws on reaching this step of an episode.</summary>
    public int? ThrowAtStep { get; set; }

    public ulong? LastResetSeed { get; private set; }
    public float LastAction => _lastAction;
    public bool Disposed { get; private set; }

    public static double ExpectedReturn(int length) => length * (length + 1) / 2.0;

    public void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        _step = 0;
        _resets++;
        LastResetSeed = seed;
        Write(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        _step++;
        if (_step == ThrowAtStep) throw new InvalidOperationException($"CounterEnv fails at step {_step} as asked.");
        _lastAction = action[0];
        Write(observation);
        return new StepResult(_step, Terminated: _step >= EpisodeLength, Truncated: false);
    }

    public void SaveState(BinaryWriter writer)
    {
        writer.Write(_step);
        writer.Write(_resets);
        writer.Write(_lastAction);
    }

    public void LoadState(BinaryReader reader)
    {
        _step = reader.ReadInt32();
        _resets = reader.ReadInt32();
        _lastAction = reader.ReadSingle();
    }

    public void Dispose() => Disposed = true;

    private void Write(Span<float> observation)
    {
        observation[0] = _step;
        observation[1] = _resets;
        observation[2] = _lastAction;
    }
}
