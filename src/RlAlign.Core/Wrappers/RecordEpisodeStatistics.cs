using System.Diagnostics;

namespace RlAlign.Core.Wrappers;

/// <summary>
/// Gymnasium's <c>RecordEpisodeStatistics</c>: sums the rewards and counts the steps of each episode,
/// and after the step that ends an episode exposes them as <see cref="LastEpisodeReturn"/>,
/// <see cref="LastEpisodeLength"/> and <see cref="LastEpisodeDuration"/> (<c>info["episode"]</c>'s
/// r, l and t). Put it below reward-changing wrappers to record the env's own rewards, as CleanRL does.
/// </summary>
public sealed class RecordEpisodeStatistics(IEnv env) : Wrapper(env)
{
    private double _episodeReturn;
    private int _episodeLength;
    private long _episodeStartTimestamp = Stopwatch.GetTimestamp();

    /// <summary>
    /// True after a <c>Step</c> that ended an episode (terminated or truncated), until the next <c>Step</c>.
    /// A <c>Reset</c> leaves it set, so it survives a vector env's same-step autoreset.
    /// </summary>
    public bool EpisodeEnded { get; private set; }

    public double LastEpisodeReturn { get; private set; }
    public int LastEpisodeLength { get; private set; }

    /// <summary>Wall time from the reset to the last step of the last finished episode.</summary>
    public TimeSpan LastEpisodeDuration { get; private set; }

    /// <summary>Episodes finished since this wrapper was created.</summary>
    public long EpisodeCount { get; private set; }

    /// <summary>The return and length of the episode in progress.</summary>
    public double EpisodeReturn => _episodeReturn;
    public int EpisodeLength => _episodeLength;

    public override void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        Env.Reset(observation, seed, options);
        _episodeReturn = 0;
        _episodeLength = 0;
        _episodeStartTimestamp = Stopwatch.GetTimestamp();
    }

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        _episodeReturn += result.Reward;
        _episodeLength++;
        EpisodeEnded = result.Done;
        if (result.Done)
        {
            LastEpisodeReturn = _episodeReturn;
            LastEpisodeLength = _episodeLength;
            LastEpisodeDuration = Stopwatch.GetElapsedTime(_episodeStartTimestamp);
            EpisodeCount++;
        }
        return result;
    }

    protected override void SaveOwnState(BinaryWriter writer)
    {
        writer.Write(_episodeReturn);
        writer.Write(_episodeLength);
        // Wall time is saved as the time already spent, so a restored episode keeps counting from there.
        writer.Write(Stopwatch.GetElapsedTime(_episodeStartTimestamp).Ticks);
        writer.Write(EpisodeEnded);
        writer.Write(LastEpisodeReturn);
        writer.Write(LastEpisodeLength);
        writer.Write(LastEpisodeDuration.Ticks);
        writer.Write(EpisodeCount);
    }

    protected override void LoadOwnState(BinaryReader reader)
    {
        _episodeReturn = reader.ReadDouble();
        _episodeLength = reader.ReadInt32();
        var elapsed = TimeSpan.FromTicks(reader.ReadInt64());
        _episodeStartTimestamp = Stopwatch.GetTimestamp() - (long)(elapsed.TotalSeconds * Stopwatch.Frequency);
        EpisodeEnded = reader.ReadBoolean();
        LastEpisodeReturn = reader.ReadDouble();
        LastEpisodeLength = reader.ReadInt32();
        LastEpisodeDuration = TimeSpan.FromTicks(reader.ReadInt64());
        EpisodeCount = reader.ReadInt64();
    }
}
