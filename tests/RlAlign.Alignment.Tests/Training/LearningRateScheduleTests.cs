using RlAlign.Alignment.Training;

namespace RlAlign.Alignment.Tests.Training;

public sealed class LearningRateScheduleTests
{
    private static double[] Rates(LearningRateSchedule schedule) => [.. Enumerable.Range(0, schedule.TotalSteps).Select(schedule.At)];

    [Test]
    public void LinearWarmupThenLinearDecayAsHuggingFace()
    {
        // get_linear_schedule_with_warmup(num_warmup_steps=2, num_training_steps=6): 0, 1/2, 1, 3/4, 1/2, 1/4.
        var schedule = new LearningRateSchedule(1e-3, LrSchedulerType.Linear, totalSteps: 6, warmupSteps: 2);
        Assert.That(Rates(schedule), Is.EqualTo(new[] { 0, 0.5e-3, 1e-3, 0.75e-3, 0.5e-3, 0.25e-3 }).Within(1e-15));
    }

    [Test]
    public void CosineDecaysAlongHalfACosine()
    {
        var schedule = new LearningRateSchedule(2.0, LrSchedulerType.Cosine, totalSteps: 5, warmupSteps: 1);
        double[] expected = [0, .. Enumerable.Range(0, 4).Select(k => 2.0 * 0.5 * (1 + Math.Cos(Math.PI * k / 4.0)))];
        Assert.That(Rates(schedule), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void ConstantIgnoresWarmupAndConstantWithWarmupDoesNot()
    {
        Assert.That(Rates(new LearningRateSchedule(1.0, LrSchedulerType.Constant, 4, 2)), Is.EqualTo(new[] { 1.0, 1, 1, 1 }));
        Assert.That(Rates(new LearningRateSchedule(1.0, LrSchedulerType.ConstantWithWarmup, 4, 2)), Is.EqualTo(new[] { 0, 0.5, 1, 1 }));
    }

    [Test]
    public void WarmupRatioRoundsUpAndWarmupStepsOverrideIt()
    {
        Assert.That(LearningRateSchedule.For(new DpoTrainingConfig { WarmupRatio = 0.15 }, 10).WarmupSteps, Is.EqualTo(2));
        Assert.That(LearningRateSchedule.For(new DpoTrainingConfig { WarmupRatio = 0.15, WarmupSteps = 5 }, 10).WarmupSteps, Is.EqualTo(5));
    }

    [Test]
    public void TrainerReportsTheLearningRateOfEachStep()
    {
        var sink = new RecordingSink();
        using var model = Tiny.Model();
        var config = new DpoTrainingConfig { LearningRate = 1e-2, WarmupSteps = 2, MaxSteps = 4, PerDeviceTrainBatchSize = 2, LoggingSteps = 1 };
        using var trainer = new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4), config, metrics: sink);
        trainer.Train();
        Assert.That(Enumerable.Range(1, 4).Select(s => sink.Value("learning_rate", s)), Is.EqualTo(new[] { 0, 0.5e-2, 1e-2, 0.5e-2 }).Within(1e-15));
    }
}
