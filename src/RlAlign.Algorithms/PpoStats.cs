namespace RlAlign.Algorithms;

/// <summary>An episode that finished during training, with the env's own (unnormalised) return.</summary>
public readonly record struct EpisodeStats(long GlobalStep, int EnvIndex, double Return, int Length);

/// <summary>One PPO minibatch update (reported through <see cref="PpoTrainer.MinibatchCompleted"/>).</summary>
public readonly record struct MinibatchStats(
    int Iteration,
    int Epoch,
    int Minibatch,
    double PolicyLoss,
    double ValueLoss,
    double Entropy,
    double OldApproxKl,
    double ApproxKl,
    double ClipFraction,
    double GradNorm,
    double MaxRatioDeviation);

/// <summary>
/// What one PPO iteration did, with CleanRL's logged values: the losses and KLs of the last minibatch,
/// the clip fraction averaged over all minibatches, and the explained variance of the whole batch.
/// </summary>
public sealed record IterationStats(
    int Iteration,
    int NumIterations,
    long GlobalStep,
    double LearningRate,
    double PolicyLoss,
    double ValueLoss,
    double Entropy,
    double OldApproxKl,
    double ApproxKl,
    double ClipFraction,
    double ExplainedVariance,
    double StepsPerSecond,
    int EpochsRun,
    int EpisodesCompleted,
    TimeSpan Elapsed);
