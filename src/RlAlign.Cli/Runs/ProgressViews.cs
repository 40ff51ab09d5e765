using System.Diagnostics;
using System.Globalization;
using RlAlign.Algorithms;
using RlAlign.Cli.Experiments;
using Spectre.Console;

namespace RlAlign.Cli.Runs;

/// <summary>
/// Progress as plain lines: used when output is redirected (CI, log files), where a live bar would
/// only produce escape codes. Prints at most every <paramref name="interval"/>.
/// </summary>
public sealed class LineProgress(TextWriter output, TimeSpan interval) : ITrainingProgress
{
    private readonly Stopwatch _sinceLastLine = Stopwatch.StartNew();
    private long _totalSteps;

    public void Started(ResolvedExperiment experiment, RunFolder run, long globalStep, long totalSteps)
    {
        _totalSteps = totalSteps;
        output.WriteLine($"{experiment.Name}: {experiment.Algo} on {experiment.Ppo.EnvId}, seed {experiment.Ppo.Seed}, {totalSteps:N0} steps -> {run.Path}");
        if (globalStep > 0) output.WriteLine($"resuming at step {globalStep:N0}");
    }

    public void Iteration(IterationStats stats, double? recentMeanReturn)
    {
        if (_sinceLastLine.Elapsed < interval && stats.Iteration != stats.NumIterations) return;
        _sinceLastLine.Restart();
        output.WriteLine(ProgressText.Describe(stats, recentMeanReturn, _totalSteps));
    }

    public void Message(string text) => output.WriteLine(text);
}

/// <summary>Progress as a live Spectre.Console bar with steps, SPS and the recent mean return.</summary>
public sealed class LiveProgress : ITrainingProgress, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Thread _renderer;
    private readonly ManualResetEventSlim _finished = new();
    private ProgressTask? _task;
    private string _description = "starting";
    private string _statistics = "";

    public LiveProgress()
    {
        var ready = new ManualResetEventSlim();
        _renderer = new Thread(() =>
        {
            AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    lock (_gate) _task = context.AddTask(_description, maxValue: 1);
                    ready.Set();
                    while (!_finished.IsSet)
                    {
                        lock (_gate) _task.Description = Markup.Escape(_description);
                        context.Refresh();
                        _finished.Wait(200);
                    }
                    lock (_gate) _task.Description = Markup.Escape(_description);
                });
        }) { IsBackground = true, Name = "progress" };
        _renderer.Start();
        ready.Wait();
    }

    public void Started(ResolvedExperiment experiment, RunFolder run, long globalStep, long totalSteps)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(experiment.Name)}[/]: {experiment.Algo} on {Markup.Escape(experiment.Ppo.EnvId)}, seed {experiment.Ppo.Seed} -> [grey]{Markup.Escape(run.Path)}[/]");
        lock (_gate)
        {
            _task!.MaxValue = Math.Max(1, totalSteps);
            _task.Value = globalStep;
            _statistics = _description = $"{globalStep:N0}/{totalSteps:N0} steps";
        }
    }

    public void Iteration(IterationStats stats, double? recentMeanReturn)
    {
        lock (_gate)
        {
            _task!.Value = stats.GlobalStep;
            _statistics = _description = ProgressText.Describe(stats, recentMeanReturn, (long)_task.MaxValue);
        }
    }

    // Writing lines while the live display renders would tear it, so a message takes the description's
    // place until the display closes with the last statistics.
    public void Message(string text)
    {
        lock (_gate) _description = text;
    }

    public void Dispose()
    {
        lock (_gate) _description = _statistics;
        _finished.Set();
        _renderer.Join();
        _finished.Dispose();
    }
}

internal static class ProgressText
{
    public static string Describe(IterationStats stats, double? recentMeanReturn, long totalSteps)
    {
        string recent = recentMeanReturn is double r ? r.ToString("F1", CultureInfo.InvariantCulture) : "-";
        return $"step {stats.GlobalStep:N0}/{totalSteps:N0} | {stats.StepsPerSecond:N0} SPS | return {recent} (last 20) | iter {stats.Iteration}/{stats.NumIterations}";
    }
}
