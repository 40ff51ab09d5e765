using System.Diagnostics;
using RlAlign.Algorithms;
using RlAlign.Algorithms.Imitation;
using RlAlign.Cli.Experiments;
using Serilog;
using Serilog.Formatting.Compact;

namespace RlAlign.Cli.Runs;

/// <summary>What a behaviour-cloning run reports.</summary>
public sealed record BcOutcome(RunFolder Run, bool Interrupted, IReadOnlyList<BcEpochStats> Epochs, int Samples, TimeSpan Elapsed, SuccessRateResult? Evaluation);

/// <summary>
/// One behaviour-cloning run (<c>algo: bc</c>): reads the demonstrations, trains epoch by epoch with metrics in the
/// run folder (metrics.csv, TensorBoard, log.jsonl), saves <c>checkpoints/latest.ckpt</c> every checkpoint_interval
/// epochs and at the end (and <c>final.ckpt</c> when it completes), then measures the greedy success rate on
/// final_eval_episodes fresh seeds. An interrupted run resumes from latest.ckpt (policy, Adam state and the shuffle
/// generator) and continues exactly as if it had not stopped.
/// </summary>
public static class BcSession
{
    /// <param name="demos">The demonstrations file's content (read before the run folder is created, so a bad file leaves no empty run).</param>
    /// <param name="resumeCheckpoint">The run's checkpoint to continue from, or null for a new run.</param>
    public static BcOutcome Run(ResolvedBcExperiment experiment, DemonstrationSet demos, RunFolder run, string? resumeCheckpoint, TextWriter progress, CancellationToken cancellationToken)
    {
        BcConfig config = experiment.Bc;
        using Serilog.Core.Logger log = new LoggerConfiguration()
            .Enrich.WithProperty("Run", run.Name)
            .WriteTo.File(new CompactJsonFormatter(), run.LogPath)
            .CreateLogger();
        var metrics = new ForwardingMetricsSink();
        using var trainer = new BehaviorCloning(config, demos, metrics);
        if (resumeCheckpoint is not null)
        {
            trainer.LoadCheckpoint(resumeCheckpoint);
            MetricsRecorder.TruncateAfter(run.MetricsPath, trainer.Epoch);
            log.Information("Resumed from {Checkpoint} after epoch {Epoch}", resumeCheckpoint, trainer.Epoch);
        }
        else
        {
            Core.AtomicFile.WriteAllText(run.ConfigPath, experiment.ToYaml($"Resolved configuration of run {run.Name}. Rerun it with: rlalign train {run.ConfigPath}"));
            log.Information("Started {Experiment} (bc) on {EnvId} with seed {Seed}: {Episodes} demonstrations, {Samples} steps: {Config}",
                experiment.Name, config.EnvId, config.Seed, demos.Episodes.Count, trainer.SampleCount, experiment.ToYaml());
        }
        using var recorder = new MetricsRecorder(run);
        metrics.Target = recorder;
        string start = resumeCheckpoint is null ? "" : $", resumed after epoch {trainer.Epoch}";
        progress.WriteLine($"{experiment.Name}: bc on {config.EnvId}, seed {config.Seed}, {demos.Episodes.Count:N0} demonstrations ({trainer.SampleCount:N0} steps), {config.Epochs} epochs{start} -> {run.Path}");

        var clock = Stopwatch.StartNew();
        var epochs = new List<BcEpochStats>();
        bool interrupted = false;
        while (!trainer.IsFinished)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
            BcEpochStats stats = trainer.RunEpoch();
            epochs.Add(stats);
            recorder.Flush();
            progress.WriteLine($"epoch {stats.Epoch}/{stats.Epochs}: loss {stats.Loss:F4}, accuracy {stats.Accuracy:P1}, {clock.Elapsed.TotalSeconds:F0} s");
            log.Information("Epoch {Epoch}/{Epochs}: loss {Loss:G5}, accuracy {Accuracy:F4}", stats.Epoch, stats.Epochs, stats.Loss, stats.Accuracy);
            if (stats.Epoch % experiment.Run.CheckpointInterval == 0 && !trainer.IsFinished)
                trainer.SaveCheckpoint(run.LatestCheckpointPath);
        }
        clock.Stop();
        trainer.SaveCheckpoint(run.LatestCheckpointPath);
        SuccessRateResult? evaluation = null;
        if (!interrupted)
        {
            trainer.SaveCheckpoint(run.FinalCheckpointPath);
            if (experiment.Run.FinalEvalEpisodes > 0)
            {
                progress.WriteLine($"Evaluating the success rate on {experiment.Run.FinalEvalEpisodes} fresh seeds from {config.EvalSeed} (greedy actions)...");
                evaluation = trainer.EvaluateSuccessRate(experiment.Run.FinalEvalEpisodes, unchecked((ulong)config.EvalSeed), cancellationToken);
                recorder.Add(BehaviorCloning.SuccessRateMetric, evaluation.SuccessRate, trainer.Epoch);
                recorder.Flush();
                log.Information("Final evaluation: success rate {SuccessRate} over {Episodes} episodes, mean length {Length}", evaluation.SuccessRate, evaluation.Successes.Count, evaluation.MeanLength);
            }
        }
        return new BcOutcome(run, interrupted, epochs, trainer.SampleCount, clock.Elapsed, evaluation);
    }
}
