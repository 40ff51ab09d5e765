using RlAlign.Policies.Language;

namespace RlAlign.Algorithms.Imitation;

/// <summary>
/// Behaviour-cloning settings (<c>algo: bc</c>): snake_case in experiment files, as <see cref="PpoConfig"/>.
/// The policy is a <see cref="BabyAIPolicy"/>; its actor is trained by cross-entropy on the expert's actions.
/// </summary>
public sealed record BcConfig
{
    public string EnvId { get; init; } = "BabyAI-GoToLocal-v0";

    /// <summary>The demonstrations file (<c>rlalign demos</c>); it must have been recorded on <see cref="EnvId"/>.</summary>
    public string Demos { get; init; } = "";

    /// <summary>Seeds the initial weights and the shuffling of every epoch.</summary>
    public long Seed { get; init; } = 1;

    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Global gradient-norm clip; null for none.</summary>
    public double? MaxGradNorm { get; init; } = 0.5;

    public MissionEncoder MissionEncoder { get; init; } = MissionEncoder.Gru;
    public int WordSize { get; init; } = 128;
    public int Channels { get; init; } = 128;
    public int FilmLayers { get; init; } = 2;

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// Seed of the first success-rate evaluation episode (episode i uses this + i; the run's
    /// <c>final_eval_episodes</c> says how many): far from the seeds demonstrations are usually recorded with.
    /// </summary>
    public long EvalSeed { get; init; } = 1_000_000;

    public BabyAIPolicyOptions PolicyOptions => new() { MissionEncoder = MissionEncoder, WordSize = WordSize, Channels = Channels, FilmLayers = FilmLayers };

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Demos)) throw new ArgumentException("bc needs a demonstrations file: set demos: path (record one with `rlalign demos`).");
        if (Epochs <= 0) throw new ArgumentException($"epochs must be > 0, got {Epochs}.");
        if (BatchSize <= 0) throw new ArgumentException($"batch_size must be > 0, got {BatchSize}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning_rate must be > 0, got {LearningRate}.");
        if (MaxGradNorm is <= 0) throw new ArgumentException($"max_grad_norm must be > 0 or null, got {MaxGradNorm}.");
        PolicyOptions.Validate();
    }
}
