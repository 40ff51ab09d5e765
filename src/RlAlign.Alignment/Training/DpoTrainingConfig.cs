using RlAlign.Alignment.Data;
using RlAlign.Alignment.Preference;

namespace RlAlign.Alignment.Training;

/// <summary>DPO settings: TRL's <c>DPOConfig</c> names and defaults on top of <see cref="TrainingConfig"/>.</summary>
public sealed record DpoTrainingConfig : TrainingConfig
{
    public DpoTrainingConfig() => LearningRate = 1e-6;

    public double Beta { get; init; } = 0.1;

    public DpoLossType LossType { get; init; } = DpoLossType.Sigmoid;

    /// <summary>cDPO / robust DPO flip rate ε (Sigmoid and Robust losses only).</summary>
    public double LabelSmoothing { get; init; }

    public int? MaxPromptLength { get; init; } = 512;

    public int? MaxCompletionLength { get; init; }

    public int? MaxLength { get; init; } = 1024;

    /// <summary>Score the whole dataset with the reference once, up front, and train without a reference model in memory.</summary>
    public bool PrecomputeRefLogProbs { get; init; }

    /// <summary>
    /// With <see cref="PrecomputeRefLogProbs"/>: a file that keeps the precomputed log-probabilities. It is reused when it
    /// matches the dataset and the reference model (checked by fingerprints) and written (atomically) otherwise when absent;
    /// a file that belongs to other data or another reference is an error. Not a TRL option.
    /// </summary>
    public string? RefLogProbsCache { get; init; }

    /// <summary>TR-DPO (Gorbatovski et al. 2024): every <see cref="RefModelSyncSteps"/> steps, ref ← α·policy + (1-α)·ref.</summary>
    public bool SyncRefModel { get; init; }

    public double RefModelMixupAlpha { get; init; } = 0.6;

    public int RefModelSyncSteps { get; init; } = 512;

    public DpoLossOptions LossOptions => new(Beta, LossType, LabelSmoothing);

    public TruncationOptions Truncation => new() { MaxPromptLength = MaxPromptLength, MaxCompletionLength = MaxCompletionLength, MaxLength = MaxLength };

    public override void Validate()
    {
        base.Validate();
        LossOptions.Validate();
        Truncation.Validate();
        if (!(RefModelMixupAlpha >= 0 && RefModelMixupAlpha <= 1)) throw new ArgumentException($"ref_model_mixup_alpha must be in [0, 1], got {RefModelMixupAlpha}.");
        if (RefModelSyncSteps < 1) throw new ArgumentException($"ref_model_sync_steps must be >= 1, got {RefModelSyncSteps}.");
        if (SyncRefModel && PrecomputeRefLogProbs)
            throw new ArgumentException("sync_ref_model and precompute_ref_log_probs cannot both be set: a synced reference changes during training, so its log-probabilities cannot be computed up front.");
        if (RefLogProbsCache is not null && !PrecomputeRefLogProbs)
            throw new ArgumentException("ref_log_probs_cache is set but precompute_ref_log_probs is false; the cache holds precomputed reference log-probabilities.");
    }
}
