using System.Diagnostics;
using RlAlign.Algorithms;
using RlAlign.Algorithms.Imitation;
using RlAlign.Policies.Language;
using RlAlign.Cli.Experiments;
using RlAlign.Core.Vector;
using Serilog;
using Serilog.Formatting.Compact;

namespace RlAlign.Cli.Runs;

/// <summary>How a training run ended.</summary>
public enum TrainingEnd { Completed, Interrupted, NonFiniteLoss }

/// <summary>What a finished (or stopped) run reports.</summary>
public sealed record TrainingOutcome(
    TrainingEnd End,
    RunFolder Run,
    long GlobalStep,
    long StepsThisSession,
    TimeSpan Elapsed,
    IReadOnlyList<(long Step, double Return)> Episodes,
    EvaluationResult? FinalEvaluation,
    string? Problem,
    SuccessRateResult? SuccessRate = null,
    SuccessRateResult? InitialSuccessRate = null)
{
    /// <summary>Environment steps per second over this session (collection and updates together).</summary>
    public double StepsPerSecond => Elapsed.TotalSeconds > 0 ? StepsThisSession / Elapsed.TotalSeconds : 0;
}

/// <summary>Receives progress while a run trains (the live bar, or plain lines when output is redirected).</summary>
public interface ITrainingProgress
{
    void Started(ResolvedExperiment experiment, RunFolder run, long globalStep, long totalSteps);
    void Iteration(IterationStats stats, double? recentMeanReturn);
    void Message(string text);
}

/// <summary>
/// One training run end to end: the run folder, metrics (CSV, TensorBoard), the structured log,
/// periodic atomic checkpoints, Ctrl-C handling, the learning-curve plot and a final evaluation.
/// </summary>
public static class TrainingSession
{
    public static TrainingOutcome Run(ResolvedExperiment experiment, RunFolder run, string? resumeCheckpoint, ITrainingProgress progress, CancellationToken cancellationToken)
    {
        // A resumed run's weights come from its checkpoint, so a behaviour-cloning init_from is not read again.
        PpoConfig config = resumeCheckpoint is null ? experiment.Ppo : experiment.Ppo with { InitFrom = null };
        using Serilog.Core.Logger log = new LoggerConfiguration()
            .Enrich.WithProperty("Run", run.Name)
            .WriteTo.File(new CompactJsonFormatter(), run.LogPath)
            .CreateLogger();

        var metrics = new ForwardingMetricsSink();
        using IVectorEnv envs = PpoEnvs.MakeVectorEnv(config, experiment.EnvOptions.Clone());
        using var trainer = new PpoTrainer(config, envs, metrics: metrics);
        if (resumeCheckpoint is not null)
        {
            trainer.LoadCheckpoint(resumeCheckpoint);
            MetricsRecorder.TruncateAfter(run.MetricsPath, trainer.GlobalStep);
            log.Information("Resumed from {Checkpoint} at iteration {Iteration}, step {GlobalStep}", resumeCheckpoint, trainer.Iteration, trainer.GlobalStep);
        }
        else
        {
            AtomicWriteConfig(experiment, run);
            log.Information("Started {Experiment} ({Algo}) on {EnvId} with seed {Seed} on {Device}: {Config}",
                experiment.Name, experiment.Algo, config.EnvId, config.Seed, trainer.Device.ToString(), experiment.ToYaml());
        }

        using var recorder = new MetricsRecorder(run);
        metrics.Target = recorder;
        progress.Started(experiment, run, trainer.GlobalStep, (long)trainer.NumIterations * config.BatchSize);

        // A fine-tuning run measures the cloned policy it starts from on the same seeds as its final evaluation.
        SuccessRateResult? initialSuccessRate = null;
        if (resumeCheckpoint is null && config.InitFrom is not null && experiment.Run.FinalEvalEpisodes > 0 && trainer.Policy is BabyAIPolicy initial)
            initialSuccessRate = EvaluateSuccessRate(initial, config, experiment, recorder, trainer.GlobalStep, progress, log, cancellationToken);

        long startStep = trainer.GlobalStep;
        var clock = Stopwatch.StartNew();
        TrainingEnd end = TrainingEnd.Completed;
        string? problem = null;
        try
        {
            while (!trainer.IsFinished)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    end = TrainingEnd.Interrupted;
                    break;
                }
                IterationStats stats = trainer.RunIteration();
                recorder.Flush();
                progress.Iteration(stats, recorder.RecentMeanReturn());
                log.Information("Iteration {Iteration}/{NumIterations} step {GlobalStep}: SPS {SPS:F0}, recent return {Return}, approx_kl {ApproxKl:G4}, clipfrac {ClipFraction:F3}, explained_variance {ExplainedVariance:F3}",
                    stats.Iteration, stats.NumIterations, stats.GlobalStep, stats.StepsPerSecond, recorder.RecentMeanReturn(), stats.ApproxKl, stats.ClipFraction, stats.ExplainedVariance);
                if (stats.Iteration % experiment.Run.CheckpointInterval == 0 && !trainer.IsFinished)
                    SaveCheckpoint(trainer, run.LatestCheckpointPath, log);
            }
        }
        catch (NonFiniteLossException e)
        {
            end = TrainingEnd.NonFiniteLoss;
            string? lastGood = run.BestAvailableCheckpoint();
            problem = $"{e.Quantity} became non-finite ({e.Value}) at iteration {e.Iteration}, step {e.GlobalStep}; training stopped without updating the network. "
                + (lastGood is null ? "No checkpoint had been saved yet." : $"The last good checkpoint is {lastGood}.");
            log.Error(e, "Training stopped: {Problem}", problem);
        }
        clock.Stop();
        recorder.Flush();

        EvaluationResult? evaluation = null;
        SuccessRateResult? successRate = null;
        switch (end)
        {
            case TrainingEnd.Interrupted:
                SaveCheckpoint(trainer, run.LatestCheckpointPath, log);
                log.Information("Interrupted at step {GlobalStep}; checkpoint saved", trainer.GlobalStep);
                break;
            case TrainingEnd.Completed:
                SaveCheckpoint(trainer, run.LatestCheckpointPath, log);
                SaveCheckpoint(trainer, run.FinalCheckpointPath, log);
                // A BabyAI policy is measured as BabyAI does, by its success rate on fixed seeds (the same as a bc run's).
                if (experiment.Run.FinalEvalEpisodes > 0 && trainer.Policy is BabyAIPolicy babyAI)
                {
                    successRate = EvaluateSuccessRate(babyAI, config, experiment, recorder, trainer.GlobalStep, progress, log, cancellationToken);
                }
                else if (experiment.Run.FinalEvalEpisodes > 0)
                {
                    progress.Message($"Evaluating {experiment.Run.FinalEvalEpisodes} episodes with deterministic actions...");
                    evaluation = Evaluator.Evaluate(trainer, experiment.Run.FinalEvalEpisodes, deterministic: true, seed: (ulong)config.Seed + 10_000, cancellationToken, experiment.EnvOptions.Clone());
                    log.Information("Final evaluation: mean return {Mean} ± {Std} over {Episodes} episodes", evaluation.MeanReturn, evaluation.StdReturn, evaluation.Returns.Count);
                }
                break;
        }
        SavePlot(run, recorder.Episodes, $"{config.EnvId} · {experiment.Name} · seed {config.Seed}", log, progress);
        return new TrainingOutcome(end, run, trainer.GlobalStep, trainer.GlobalStep - startStep, clock.Elapsed, recorder.Episodes.ToArray(), evaluation, problem, successRate, initialSuccessRate);
    }

    // BabyAI's measure, on the same seeds as a bc run's final evaluation (eval_seed + i), so cloned and fine-tuned policies compare level for level.
    private static SuccessRateResult EvaluateSuccessRate(BabyAIPolicy policy, PpoConfig config, ResolvedExperiment experiment, MetricsRecorder recorder,
        long globalStep, ITrainingProgress progress, ILogger log, CancellationToken cancellationToken)
    {
        int episodes = experiment.Run.FinalEvalEpisodes;
        progress.Message($"Evaluating the success rate on {episodes} seeds from {config.EvalSeed} (greedy actions)...");
        using Core.IEnv env = Core.Envs.Make(config.EnvId, experiment.EnvOptions.Clone());
        SuccessRateResult result = BehaviorCloning.EvaluateSuccessRate(policy, env, episodes, unchecked((ulong)config.EvalSeed), cancellationToken: cancellationToken);
        recorder.Add(BehaviorCloning.SuccessRateMetric, result.SuccessRate, globalStep);
        recorder.Flush();
        log.Information("Final evaluation: success rate {SuccessRate} over {Episodes} episodes, mean length {Length}", result.SuccessRate, result.Successes.Count, result.MeanLength);
        return result;
    }

    private static void AtomicWriteConfig(ResolvedExperiment experiment, RunFolder run)
        => Core.AtomicFile.WriteAllText(run.ConfigPath, experiment.ToYaml($"Resolved configuration of run {run.Name}. Rerun it with: rlalign train {run.ConfigPath}"));

    private static void SaveCheckpoint(PpoTrainer trainer, string path, ILogger log)
    {
        trainer.SaveCheckpoint(path);
        log.Information("Checkpoint {Path} at iteration {Iteration}, step {GlobalStep}", path, trainer.Iteration, trainer.GlobalStep);
    }

    private static void SavePlot(RunFolder run, IReadOnlyList<(long Step, double Return)> episodes, string title, ILogger log, ITrainingProgress progress)
    {
        try
        {
            LearningCurve.Save(run.LearningCurvePath, episodes, title);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A plot is a convenience: a missing font or native library must not fail a finished run.
            log.Warning(e, "Could not draw the learning curve");
            progress.Message($"Could not draw the learning curve: {e.Message}");
        }
    }
}
