namespace RlAlign.Alignment.Training;

/// <summary>How the learning rate decays after warm-up, named as Hugging Face's <c>lr_scheduler_type</c>.</summary>
public enum LrSchedulerType
{
    /// <summary>Linear from the peak to 0 at the last step (Hugging Face's default).</summary>
    Linear,
    /// <summary>Half a cosine from the peak to 0 at the last step.</summary>
    Cosine,
    /// <summary>The peak learning rate throughout; warm-up is ignored, as Hugging Face's <c>constant</c>.</summary>
    Constant,
    /// <summary>Linear warm-up, then the peak learning rate.</summary>
    ConstantWithWarmup,
}

/// <summary>
/// The optimisation settings every trainer shares: a subset of Hugging Face's <c>TrainingArguments</c> with its names
/// (PascalCase here, snake_case in YAML: <c>LearningRate</c> ↔ <c>learning_rate</c>) and defaults. The trainers' configs
/// derive from it and override the defaults TRL overrides.
/// </summary>
public abstract record TrainingConfig
{
    /// <summary>Peak AdamW learning rate (after warm-up).</summary>
    public double LearningRate { get; init; } = 5e-5;

    public double WeightDecay { get; init; }

    public double AdamBeta1 { get; init; } = 0.9;

    public double AdamBeta2 { get; init; } = 0.999;

    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Gradient-norm clipping threshold; 0 turns clipping off (the norm is still reported).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    public double NumTrainEpochs { get; init; } = 3;

    /// <summary>Optimizer steps to run; when > 0 it overrides <see cref="NumTrainEpochs"/>.</summary>
    public int MaxSteps { get; init; } = -1;

    public int PerDeviceTrainBatchSize { get; init; } = 8;

    public int PerDeviceEvalBatchSize { get; init; } = 8;

    /// <summary>Micro-batches per optimizer step; each micro-batch's loss is scaled so the step's gradient is that of their union.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    public LrSchedulerType LrSchedulerType { get; init; } = LrSchedulerType.Linear;

    /// <summary>Warm-up as a fraction of the training steps (rounded up); used when <see cref="WarmupSteps"/> is 0.</summary>
    public double WarmupRatio { get; init; }

    /// <summary>Warm-up steps; when > 0 it overrides <see cref="WarmupRatio"/>.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>
    /// Hugging Face's <c>bf16</c>: while the trainer lives, the model's matrix products run in bfloat16 with float32
    /// parameters, gradients and optimizer state (<see cref="Policies.Language.Gpt2LMHeadModel.Bf16Matmuls"/>); on a CPU
    /// with AVX512-BF16, a DPO step of LM_BENCH's <c>small</c> model ran 1.35× faster.
    /// </summary>
    public bool Bf16 { get; init; }

    /// <summary>Seeds the data order (a fresh shuffle each epoch) and any sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Metrics are averaged over this many optimizer steps and reported at the window's last step.</summary>
    public int LoggingSteps { get; init; } = 10;

    /// <summary>Evaluate on the eval split every this many optimizer steps (when there is one); 0 evaluates only when asked.</summary>
    public int EvalSteps { get; init; }

    /// <summary>Write a checkpoint (<c>OutputDir/checkpoint-STEP</c>) every this many optimizer steps; 0 never.</summary>
    public int SaveSteps { get; init; }

    /// <summary>Where checkpoints go; needed when <see cref="SaveSteps"/> > 0.</summary>
    public string? OutputDir { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting (by its YAML name) that is out of range.</summary>
    public virtual void Validate()
    {
        if (!(LearningRate >= 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"learning_rate must be a finite number >= 0, got {LearningRate}.");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"weight_decay must be >= 0, got {WeightDecay}.");
        if (!(AdamBeta1 >= 0 && AdamBeta1 < 1)) throw new ArgumentException($"adam_beta1 must be in [0, 1), got {AdamBeta1}.");
        if (!(AdamBeta2 >= 0 && AdamBeta2 < 1)) throw new ArgumentException($"adam_beta2 must be in [0, 1), got {AdamBeta2}.");
        if (!(AdamEpsilon > 0)) throw new ArgumentException($"adam_epsilon must be > 0, got {AdamEpsilon}.");
        if (!(MaxGradNorm >= 0)) throw new ArgumentException($"max_grad_norm must be >= 0 (0 turns clipping off), got {MaxGradNorm}.");
        if (MaxSteps <= 0 && !(NumTrainEpochs > 0)) throw new ArgumentException($"num_train_epochs must be > 0 when max_steps is not set, got {NumTrainEpochs}.");
        if (PerDeviceTrainBatchSize < 1) throw new ArgumentException($"per_device_train_batch_size must be >= 1, got {PerDeviceTrainBatchSize}.");
        if (PerDeviceEvalBatchSize < 1) throw new ArgumentException($"per_device_eval_batch_size must be >= 1, got {PerDeviceEvalBatchSize}.");
        if (GradientAccumulationSteps < 1) throw new ArgumentException($"gradient_accumulation_steps must be >= 1, got {GradientAccumulationSteps}.");
        if (!(WarmupRatio >= 0 && WarmupRatio <= 1)) throw new ArgumentException($"warmup_ratio must be in [0, 1], got {WarmupRatio}.");
        if (WarmupSteps < 0) throw new ArgumentException($"warmup_steps must be >= 0, got {WarmupSteps}.");
        if (LoggingSteps < 1) throw new ArgumentException($"logging_steps must be >= 1, got {LoggingSteps}.");
        if (EvalSteps < 0) throw new ArgumentException($"eval_steps must be >= 0, got {EvalSteps}.");
        if (SaveSteps < 0) throw new ArgumentException($"save_steps must be >= 0, got {SaveSteps}.");
        if (SaveSteps > 0 && string.IsNullOrWhiteSpace(OutputDir)) throw new ArgumentException($"save_steps is {SaveSteps} but output_dir is not set; checkpoints need a folder.");
    }
}
