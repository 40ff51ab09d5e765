namespace RlAlign.Alignment.Training;

/// <summary>
/// Hugging Face's schedules (<c>get_scheduler</c>): the learning rate of optimizer step <c>k</c> (0-based) is the peak times
/// a factor that rises linearly from 0 over the warm-up steps (<c>k / warmup</c>), then decays over the remaining steps.
/// </summary>
public sealed class LearningRateSchedule
{
    public LearningRateSchedule(double peak, LrSchedulerType type, int totalSteps, int warmupSteps)
    {
        if (totalSteps < 1) throw new ArgumentException($"The schedule needs at least one training step, got {totalSteps}.", nameof(totalSteps));
        if (warmupSteps < 0) throw new ArgumentException($"warmup_steps must be >= 0, got {warmupSteps}.", nameof(warmupSteps));
        Peak = peak;
        Type = type;
        TotalSteps = totalSteps;
        WarmupSteps = warmupSteps;
    }

    /// <summary>The schedule a config asks for over <paramref name="totalSteps"/>: warmup_steps if > 0, else ceil(warmup_ratio × total).</summary>
    public static LearningRateSchedule For(TrainingConfig config, int totalSteps)
        => new(config.LearningRate, config.LrSchedulerType, totalSteps,
            config.WarmupSteps > 0 ? config.WarmupSteps : (int)Math.Ceiling(config.WarmupRatio * totalSteps));

    public double Peak { get; }

    public LrSchedulerType Type { get; }

    public int TotalSteps { get; }

    public int WarmupSteps { get; }

    /// <summary>The learning rate used by optimizer step <paramref name="step"/> (0-based).</summary>
    public double At(int step) => Peak * Factor(step);

    private double Factor(int step)
    {
        if (Type == LrSchedulerType.Constant) return 1.0;
        if (step < WarmupSteps) return (double)step / Math.Max(1, WarmupSteps);
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return Type switch
        {
            LrSchedulerType.Linear => Math.Max(0.0, 1.0 - progress),
            LrSchedulerType.Cosine => Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * progress))),
            LrSchedulerType.ConstantWithWarmup => 1.0,
            _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "Unknown lr_scheduler_type."),
        };
    }
}
