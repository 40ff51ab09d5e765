namespace RlAlign.Cli.Experiments;

/// <summary>Settings about the run itself rather than the algorithm (experiment-file keys like the others).</summary>
public sealed record RunSettings
{
    /// <summary>Save <c>checkpoints/latest.ckpt</c> every this many iterations (and always at the end and on Ctrl-C).</summary>
    public int CheckpointInterval { get; init; } = 20;

    /// <summary>Episodes of evaluation after training (deterministic actions); 0 to skip.</summary>
    public int FinalEvalEpisodes { get; init; } = 10;
}
