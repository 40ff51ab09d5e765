using System.CommandLine;
using System.Globalization;
using System.Text;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;
using RlAlign.Core;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

/// <summary>
/// Trains one experiment over several seeds and reports what papers report: how many seeds reach the
/// env's reward threshold (mean of the last N episodes) and at which step, throughput and wall time.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var experimentsArgument = new Argument<string[]>("experiments")
        {
            Description = "Experiment file or built-in name (default ppo-cartpole). Alignment task experiments can be several, run on the same seeds and compared round by round (e.g. apo-tiny dpo-tiny).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds, counting up from the (first) experiment's seed.", DefaultValueFactory = _ => 5 };
        var threshold = new Option<double?>("--threshold") { Description = "Return to reach (default: the env's reward threshold, e.g. 475 for CartPole-v1)." };
        var window = new Option<int>("--window") { Description = "Episodes in the moving mean compared with the threshold.", DefaultValueFactory = _ => 20 };
        var runsDirectory = new Option<string>("--runs-dir") { Description = "Where run folders and the summary are written.", DefaultValueFactory = _ => "runs" };
        var fromRuns = new Option<string[]>("--from-runs") { AllowMultipleArgumentsPerToken = true, Description = "Alignment experiments only: summarise finished runs instead of running new ones (e.g. of benches run side by side): run folders, or folders holding runs such as runs/." };
        var overrides = new ExperimentOverrides();
        var command = new Command("bench", "Benchmark an experiment over several seeds: threshold reached (and when), SPS, wall time; alignment experiments: oracle reward per round, paired by seed. `bench envs` measures raw env speed.")
        {
            experimentsArgument, seeds, threshold, window, runsDirectory, fromRuns, EnvBenchCommand.Create(),
        };
        overrides.AddTo(command);
        command.SetAction(parseResult =>
        {
            int seedCount = parseResult.GetValue(seeds);
            int windowSize = parseResult.GetValue(window);
            if (seedCount <= 0) throw new ArgumentException($"--seeds must be > 0, got {seedCount}.");
            if (windowSize <= 0) throw new ArgumentException($"--window must be > 0, got {windowSize}.");
            string[] names = parseResult.GetValue(experimentsArgument) is { Length: > 0 } given ? given : [Experiment.DefaultExperiment];
            if (parseResult.GetValue(fromRuns) is { Length: > 0 } folders)
            {
                if (overrides.AnyGiven(parseResult)) throw new ArgumentException("--from-runs summarises runs as they were configured; it takes no --set, --seed or other setting.");
                return AlignBench.Summarize(names, folders, parseResult.GetValue(runsDirectory)!);
            }
            Experiment Load(string name)
            {
                Experiment loaded = Experiment.Load(name);
                overrides.Apply(parseResult, loaded);
                return loaded;
            }
            Experiment experiment = Load(names[0]);
            if (ResolvedAlignExperiment.IsAlignment(experiment))
            {
                if (parseResult.GetValue(threshold) is not null) throw new ArgumentException("--threshold is for training experiments; an alignment benchmark reports the oracle reward of every round.");
                return AlignBench.Run(names, Load, seedCount, parseResult.GetValue(runsDirectory)!);
            }
            if (names.Length > 1)
                throw new ArgumentException($"bench takes one training experiment (got {names.Length}); several experiments are compared only for alignment tasks, e.g. rlalign bench apo-tiny dpo-tiny.");
            ResolvedExperiment first = ResolvedExperiment.Resolve(experiment);
            double goal = parseResult.GetValue(threshold) ?? Core.Envs.Spec(first.Ppo.EnvId).RewardThreshold
                ?? throw new ArgumentException($"{first.Ppo.EnvId} has no registered reward threshold; pass --threshold.");

            using var interrupt = new InterruptSignal();
            var rows = new List<BenchRow>();
            for (int i = 0; i < seedCount && !interrupt.Token.IsCancellationRequested; i++)
            {
                ResolvedExperiment resolved = first with { Ppo = first.Ppo with { Seed = first.Ppo.Seed + i } };
                RunFolder run = RunFolder.Create(parseResult.GetValue(runsDirectory)!, resolved.Ppo.EnvId, resolved.Name, resolved.Ppo.Seed, DateTime.Now);
                AnsiConsole.MarkupLine($"[bold]seed {resolved.Ppo.Seed}[/] ({i + 1}/{seedCount})");
                TrainingOutcome outcome = TrainingSession.Run(resolved, run, null, new LineProgress(Console.Out, TimeSpan.FromSeconds(15)), interrupt.Token);
                rows.Add(BenchRow.From(resolved.Ppo.Seed, outcome, goal, windowSize));
            }
            string summary = Summarize(first, rows, goal, windowSize);
            string path = Path.Combine(parseResult.GetValue(runsDirectory)!, $"bench__{first.Ppo.EnvId}__{first.Name}__{DateTime.Now:yyyyMMdd-HHmmss}.md");
            AtomicFile.WriteAllText(path, summary);
            AnsiConsole.WriteLine();
            AnsiConsole.Write(Table(rows, goal, windowSize));
            AnsiConsole.MarkupLine($"Summary written to [bold]{Markup.Escape(path)}[/]");
            return RlAlignCommand.ExitOk;
        });
        return command;
    }

    internal sealed record BenchRow(long Seed, long? StepReached, double FinalMean, double StepsPerSecond, TimeSpan Wall, long Steps, double? EvalMean)
    {
        public static BenchRow From(long seed, TrainingOutcome outcome, double goal, int window)
        {
            IReadOnlyList<(long Step, double Return)> episodes = outcome.Episodes;
            long? reached = FirstStepReaching(episodes, goal, window);
            double finalMean = episodes.Count == 0 ? double.NaN : episodes.TakeLast(window).Average(e => e.Return);
            return new BenchRow(seed, reached, finalMean, outcome.StepsPerSecond, outcome.Elapsed, outcome.GlobalStep, outcome.FinalEvaluation?.MeanReturn);
        }
    }

    /// <summary>The env step at which the mean of the last <paramref name="window"/> episodes first reaches <paramref name="goal"/>.</summary>
    internal static long? FirstStepReaching(IReadOnlyList<(long Step, double Return)> episodes, double goal, int window)
    {
        double[] means = LearningCurve.MovingAverage(episodes.Select(e => e.Return).ToArray(), window);
        // Before the window fills, the moving mean covers fewer episodes and does not count.
        for (int i = window - 1; i < means.Length; i++)
            if (means[i] >= goal) return episodes[i].Step;
        return null;
    }

    private static Table Table(IReadOnlyList<BenchRow> rows, double goal, int window)
    {
        var table = new Table().AddColumns("seed", $"reached {goal} at step", $"final mean (last {window})", "eval (deterministic)", "SPS", "wall time");
        foreach (BenchRow row in rows)
            table.AddRow(row.Seed.ToString(CultureInfo.InvariantCulture), row.StepReached?.ToString("N0", CultureInfo.InvariantCulture) ?? "not reached",
                row.FinalMean.ToString("F1", CultureInfo.InvariantCulture), row.EvalMean?.ToString("F1", CultureInfo.InvariantCulture) ?? "-",
                row.StepsPerSecond.ToString("N0", CultureInfo.InvariantCulture), $"{row.Wall.TotalSeconds:F1} s");
        return table;
    }

    private static string Summarize(ResolvedExperiment experiment, IReadOnlyList<BenchRow> rows, double goal, int window)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark: {experiment.Name} on {experiment.Ppo.EnvId}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{rows.Count} seeds × {experiment.Ppo.TotalTimesteps:N0} steps; threshold {goal} on the mean of the last {window} episodes.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Seeds reaching it: {rows.Count(r => r.StepReached is not null)}/{rows.Count}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, torch_threads {experiment.Ppo.TorchThreads}, device {experiment.Ppo.Device}, {Policies.TorchRuntime.DescribeMklKernels()}.");
        text.AppendLine();
        text.AppendLine($"| seed | reached {goal} at step | final mean (last {window}) | eval (deterministic) | SPS | wall time (s) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (BenchRow row in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Seed} | {row.StepReached?.ToString("N0", CultureInfo.InvariantCulture) ?? "not reached"} | {row.FinalMean:F1} | {row.EvalMean?.ToString("F1", CultureInfo.InvariantCulture) ?? "-"} | {row.StepsPerSecond:N0} | {row.Wall.TotalSeconds:F1} |");
        if (rows.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Mean SPS {rows.Average(r => r.StepsPerSecond):N0}; mean wall time {rows.Average(r => r.Wall.TotalSeconds):F1} s; mean final return {rows.Average(r => r.FinalMean):F1}.");
        }
        return text.ToString();
    }
}
