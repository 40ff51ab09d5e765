namespace RlAlign.Core.Wrappers;

/// <summary>
/// Keeps the rendered frame after every reset and step of the first <see cref="EpisodesToRecord"/>
/// episodes (the part of Gymnasium's <c>RecordVideo</c> that does not need a video encoder); save them
/// with <see cref="Rendering.GifWriter"/>. Recording allocates a frame per step, so use it for
/// evaluation, not training.
/// </summary>
public sealed class RecordFrames : Wrapper
{
    private readonly List<RenderFrame> _frames = [];
    private int _episodesStarted;

    public RecordFrames(IEnv env, int episodesToRecord = 1) : base(env)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodesToRecord);
        EpisodesToRecord = episodesToRecord;
    }

    public int EpisodesToRecord { get; }
    public IReadOnlyList<RenderFrame> Frames => _frames;

    public override void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        Env.Reset(observation, seed, options);
        _episodesStarted++;
        Capture();
    }

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        Capture();
        return result;
    }

    private void Capture()
    {
        if (_episodesStarted > EpisodesToRecord) return;
        RenderFrame frame = Env.Render()
            ?? throw new NotSupportedException($"{Env.Unwrapped.GetType().Name} does not render, so its episodes cannot be recorded.");
        _frames.Add(frame);
    }
}
