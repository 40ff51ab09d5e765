using System.CommandLine;
using System.Globalization;
using System.Text;
using RlAlign.Alignment.Pipeline;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;
using RlAlign.Core;
using ScottPlot;
using Spectre.Console;
using Color = ScottPlot.Color;

namespace RlAlign.Cli.Commands;

/// <summary>One finished task run of an alignment benchmark.</summary>
public sealed record AlignBenchRun(string Experiment, long Seed, IReadOnlyList<AlignmentEvaluation> Evaluations);

/// <summary>
/// <c>rlalign bench EXPERIMENT [OTHER…] --seeds N</c> for built-in alignment task experiments. Every experiment runs on the
/// same seeds, so that its runs pair up with the other experiments' by seed (same SFT model, same first round). The summary
/// gives, per round, each experiment's mean ± standard error over seeds, and the paired difference of the first experiment
/// against each other one: mean ± standard error over seeds, and in how many seeds the first is higher.
/// </summary>
internal static class AlignBench
{
    public static int Run(IReadOnlyList<string> experimentNames, Func<string, Experiment> load, int seedCount, string runsDirectory)
    {
        if (experimentNames.Distinct(StringComparer.Ordinal).Count() != experimentNames.Count)
            throw new ArgumentException($"An experiment is named twice: {string.Join(", ", experimentNames)}.");
        // Resolve every experiment before the first run, so that a mistake in the last one does not surface an hour in.
        ResolvedAlignExperiment[] experiments = [.. experimentNames.Select(name => Resolve(name, load(name)))];
        long firstSeed = experiments[0].Seed;

        using var interrupt = new InterruptSignal();
        var runs = new List<AlignBenchRun>();
        int total = seedCount * experiments.Length, started = 0;
        for (int i = 0; i < seedCount && !interrupt.Token.IsCancellationRequested; i++)
        {
            long seed = firstSeed + i;
            var group = new List<AlignBenchRun>();
            foreach (string name in experimentNames)
            {
                Experiment experiment = load(name);
                experiment.Set("seed", seed.ToString(CultureInfo.InvariantCulture), "--seeds");
                ResolvedAlignExperiment resolved = ResolvedAlignExperiment.Resolve(experiment);
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(resolved.Name)}, seed {seed}[/] ({++started}/{total})");
                IReadOnlyList<AlignmentEvaluation>? evaluations = AlignCommand.RunTask(resolved, AlignCommand.CreateRun(resolved, runsDirectory), interrupt.Token);
                if (evaluations is null) break;
                group.Add(new AlignBenchRun(resolved.Name, seed, evaluations));
            }
            // Only whole seeds are compared: an interrupted seed has no partner for some experiment.
            if (group.Count == experiments.Length) runs.AddRange(group);
        }
        if (runs.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]Interrupted before the first seed finished; nothing to summarise.[/]");
            return RlAlignCommand.ExitOk;
        }

        Write(new AlignBenchSummary(runs), experiments[0].Subject, experiments.Select(e => e.Name), runsDirectory);
        return RlAlignCommand.ExitOk;
    }

    /// <summary>
    /// Summarises finished task runs instead of running new ones, e.g. the runs of benches that ran side by side on
    /// different seeds. Each folder is a run or holds runs. Runs are matched by the <c>experiment</c> name in their
    /// config.yaml; the latest run of an experiment and seed counts.
    /// </summary>
    public static int Summarize(string[] experimentNames, IReadOnlyList<string> runDirectories, string outputDirectory)
    {
        var found = new Dictionary<(string Experiment, long Seed), IReadOnlyList<AlignmentEvaluation>>();
        string? task = null;
        foreach (string directory in runDirectories)
        {
            if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"--from-runs: the folder '{directory}' does not exist.");
            // A run folder itself, or a folder holding runs (such as runs/).
            IEnumerable<string> folders = IsFinishedRun(directory) ? [directory] : Directory.GetDirectories(directory).Order(StringComparer.Ordinal);
            foreach (string folder in folders.Where(IsFinishedRun))
            {
                string config = Path.Combine(folder, "config.yaml"), evaluations = Path.Combine(folder, AlignCommand.EvaluationFileName);
                ResolvedAlignExperiment resolved = ResolvedAlignExperiment.Resolve(Experiment.Load(config));
                if (!experimentNames.Contains(resolved.Name)) continue;
                task ??= resolved.Subject;
                // Folder names end with the start time, so the ordinal order puts a rerun after the run it repeats.
                found[(resolved.Name, resolved.Seed)] = AlignCommand.ReadEvaluations(evaluations);
            }
        }
        foreach (string name in experimentNames)
            if (!found.Keys.Any(k => k.Experiment == name))
                throw new ArgumentException($"--from-runs: no finished run of experiment '{name}' (a folder with config.yaml and evaluation.csv) in {string.Join(", ", runDirectories)}.");
        var runs = found.OrderBy(f => f.Key.Seed).ThenBy(f => Array.IndexOf(experimentNames, f.Key.Experiment))
            .Select(f => new AlignBenchRun(f.Key.Experiment, f.Key.Seed, f.Value)).ToList();
        var summary = new AlignBenchSummary(runs);
        if (summary.Seeds.Count == 0) throw new ArgumentException($"--from-runs: no seed was run by every one of {string.Join(", ", experimentNames)}.");
        Write(summary, task!, experimentNames, outputDirectory);
        return RlAlignCommand.ExitOk;
    }

    private static bool IsFinishedRun(string folder) =>
        File.Exists(Path.Combine(folder, "config.yaml")) && File.Exists(Path.Combine(folder, AlignCommand.EvaluationFileName));

    private static void Write(AlignBenchSummary summary, string task, IEnumerable<string> experimentNames, string directory)
    {
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, $"bench__{task}__{string.Join("_vs_", experimentNames)}__{DateTime.Now:yyyyMMdd-HHmmss}");
        AtomicFile.WriteAllText(stem + ".md", summary.ToMarkdown(task));
        summary.SavePlots(stem + ".png", stem + "-difference.png");
        AnsiConsole.WriteLine();
        AnsiConsole.Write(summary.RewardTable());
        AnsiConsole.MarkupLine($"Summary written to [bold]{Markup.Escape(stem)}.md[/], plots to [bold]{Markup.Escape(stem)}.png[/] and [bold]-difference.png[/]");
    }

    private static ResolvedAlignExperiment Resolve(string name, Experiment experiment)
    {
        if (!ResolvedAlignExperiment.IsAlignment(experiment))
            throw new ArgumentException($"'{name}' is a training experiment; bench compares several experiments only when all are alignment task experiments (e.g. rlalign bench apo-tiny dpo-tiny).");
        ResolvedAlignExperiment resolved = ResolvedAlignExperiment.Resolve(experiment);
        if (!resolved.IsTask)
            throw new ArgumentException($"'{name}' trains on data (train_file); bench runs built-in task experiments, whose oracle scores every round.");
        return resolved;
    }
}

/// <summary>Per-round statistics over the seeds of an alignment benchmark, paired by seed.</summary>
public sealed class AlignBenchSummary
{
    private static readonly (string Title, Func<AlignmentEvaluation, double> Value)[] Metrics =
    [
        ("oracle reward", e => e.MeanReward),
        ("win rate vs SFT", e => e.WinRateVsSft),
        ("fully correct", e => e.FullyCorrectRate),
        ("KL to SFT (nats)", e => e.KlToSft),
    ];

    private readonly IReadOnlyList<AlignBenchRun> _runs;

    /// <param name="runs">Runs of one or more experiments; only seeds that every experiment ran are compared.</param>
    public AlignBenchSummary(IReadOnlyList<AlignBenchRun> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("No runs to summarise.", nameof(runs));
        Experiments = [.. runs.Select(r => r.Experiment).Distinct(StringComparer.Ordinal)];
        Seeds = [.. runs.GroupBy(r => r.Seed).Where(g => Experiments.All(e => g.Any(r => r.Experiment == e))).Select(g => g.Key).Order()];
        _runs = runs;
        Rounds = Seeds.Count == 0 ? 0 : Experiments.SelectMany(e => Seeds.Select(s => Run(e, s).Evaluations.Count)).Min();
    }

    /// <summary>The experiments in the order first met; the first is compared against each other one.</summary>
    public IReadOnlyList<string> Experiments { get; }

    public IReadOnlyList<long> Seeds { get; }

    /// <summary>Evaluations compared per seed: round 0 (after SFT) up to the last round every run reached.</summary>
    public int Rounds { get; }

    public (double Mean, double StandardError) Mean(string experiment, int round, Func<AlignmentEvaluation, double> metric)
        => MeanAndError([.. Seeds.Select(s => metric(Run(experiment, s).Evaluations[round]))]);

    /// <summary>first − other at <paramref name="round"/>: mean ± s.e. over seeds, and the number of seeds where it is positive.</summary>
    public (double Mean, double StandardError, int Higher) Difference(string first, string other, int round, Func<AlignmentEvaluation, double> metric)
    {
        double[] differences = [.. Seeds.Select(s => metric(Run(first, s).Evaluations[round]) - metric(Run(other, s).Evaluations[round]))];
        var (mean, error) = MeanAndError(differences);
        return (mean, error, differences.Count(d => d > 0));
    }

    public string ToMarkdown(string task)
    {
        var text = new StringBuilder();
        string first = Experiments[0];
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark: {string.Join(" vs ", Experiments)} on {task}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Seeds.Count} seeds ({string.Join(", ", Seeds)}), rounds 0 (after SFT) to {Rounds - 1}. Every experiment ran on the same seeds: same SFT model, same first round, so differences are paired by seed.");
        text.AppendLine("Cells are the mean over seeds ± its standard error; \"higher in\" counts the seeds where the first experiment's value is above the other's.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {Policies.TorchRuntime.DescribeMklKernels()}.");
        foreach (var (title, metric) in Metrics)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
            text.AppendLine();
            var header = new StringBuilder("| round |");
            foreach (string experiment in Experiments) header.Append(CultureInfo.InvariantCulture, $" {experiment} |");
            foreach (string other in Experiments.Skip(1)) header.Append(CultureInfo.InvariantCulture, $" {first} − {other} | higher in |");
            text.AppendLine(header.ToString());
            text.AppendLine("|---:|" + string.Concat(Enumerable.Repeat("---:|", Experiments.Count + 2 * (Experiments.Count - 1))));
            for (int round = 0; round < Rounds; round++)
            {
                var row = new StringBuilder().Append(CultureInfo.InvariantCulture, $"| {round} |");
                foreach (string experiment in Experiments) row.Append(CultureInfo.InvariantCulture, $" {Format(Mean(experiment, round, metric))} |");
                foreach (string other in Experiments.Skip(1))
                {
                    var (mean, error, higher) = Difference(first, other, round, metric);
                    row.Append(CultureInfo.InvariantCulture, $" {FormatDifference(mean, error)} | {higher}/{Seeds.Count} |");
                }
                text.AppendLine(row.ToString());
            }
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Oracle reward per seed at round {Rounds - 1}");
        text.AppendLine();
        text.AppendLine("| seed |" + string.Concat(Experiments.Select(e => $" {e} |")));
        text.AppendLine("|---:|" + string.Concat(Enumerable.Repeat("---:|", Experiments.Count)));
        foreach (long seed in Seeds)
            text.AppendLine($"| {seed} |" + string.Concat(Experiments.Select(e => $" {Run(e, seed).Evaluations[Rounds - 1].MeanReward.ToString("F3", CultureInfo.InvariantCulture)} |")));
        return text.ToString();
    }

    /// <summary>The console's view: oracle reward per round for each experiment, and the paired differences.</summary>
    public Table RewardTable()
    {
        var table = new Table().AddColumn("round");
        foreach (string experiment in Experiments) table.AddColumn($"{experiment} reward");
        foreach (string other in Experiments.Skip(1)) table.AddColumn($"{Experiments[0]} − {other}").AddColumn("higher in");
        Func<AlignmentEvaluation, double> reward = Metrics[0].Value;
        for (int round = 0; round < Rounds; round++)
        {
            var cells = new List<string> { round == 0 ? "0 (SFT)" : round.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(Experiments.Select(e => Format(Mean(e, round, reward))));
            foreach (string other in Experiments.Skip(1))
            {
                var (mean, error, higher) = Difference(Experiments[0], other, round, reward);
                cells.Add(FormatDifference(mean, error));
                cells.Add($"{higher}/{Seeds.Count}");
            }
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        return table;
    }

    /// <summary>
    /// Mean oracle reward per round with a ± one standard error band, one line per experiment; with two or more
    /// experiments, a second PNG (<paramref name="differencePath"/>) shows the paired differences, whose errors are smaller.
    /// </summary>
    public void SavePlots(string path, string differencePath)
    {
        double[] rounds = [.. Enumerable.Range(0, Rounds).Select(r => (double)r)];
        Func<AlignmentEvaluation, double> reward = Metrics[0].Value;
        var curves = Experiments.Select(e => (Label: e, Points: Enumerable.Range(0, Rounds).Select(r => Mean(e, r, reward)).ToArray())).ToList();
        Save(path, curves, $"Oracle reward, mean ± s.e. over {Seeds.Count} seeds", "oracle reward");
        if (Experiments.Count < 2) return;
        var differences = Experiments.Skip(1).Select(other => (Label: $"{Experiments[0]} − {other}",
            Points: Enumerable.Range(0, Rounds).Select(r => Difference(Experiments[0], other, r, reward)).Select(d => (d.Mean, d.StandardError)).ToArray())).ToList();
        Save(differencePath, differences, $"Paired difference in oracle reward, mean ± s.e. over {Seeds.Count} seeds", "reward difference", zeroLine: true);

        void Save(string file, List<(string Label, (double Mean, double Error)[] Points)> series, string title, string yLabel, bool zeroLine = false)
        {
            var plot = new Plot();
            Color[] palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson, Colors.SlateGray];
            if (zeroLine) plot.Add.HorizontalLine(0, 1, Colors.Black, LinePattern.Dashed);
            // Bands first, so that no band tints another series' line.
            if (Seeds.Count > 1)
                for (int i = 0; i < series.Count; i++)
                {
                    var band = plot.Add.FillY(rounds, [.. series[i].Points.Select(p => p.Mean - p.Error)], [.. series[i].Points.Select(p => p.Mean + p.Error)]);
                    band.FillColor = palette[i % palette.Length].WithAlpha(0.2);
                    band.LineWidth = 0;
                }
            for (int i = 0; i < series.Count; i++)
            {
                var line = plot.Add.Scatter(rounds, [.. series[i].Points.Select(p => p.Mean)]);
                line.Color = palette[i % palette.Length];
                line.LineWidth = 2;
                line.MarkerSize = 6;
                line.LegendText = series[i].Label;
            }
            plot.ShowLegend(ScottPlot.Alignment.LowerRight);
            plot.Title(title);
            plot.XLabel("round (0 = after SFT)");
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
            plot.YLabel(yLabel);
            LearningCurve.SaveAtomically(plot, file);
        }
    }

    private AlignBenchRun Run(string experiment, long seed) => _runs.First(r => r.Seed == seed && r.Experiment == experiment);

    private static (double Mean, double StandardError) MeanAndError(double[] values)
    {
        double mean = values.Average();
        if (values.Length < 2) return (mean, double.NaN);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return (mean, Math.Sqrt(variance / values.Length));
    }

    private static string Format((double Mean, double Error) value)
        => double.IsNaN(value.Error)
            ? value.Mean.ToString("F3", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{value.Mean:F3} ± {value.Error:F3}");

    private static string FormatDifference(double mean, double error)
        => double.IsNaN(error)
            ? mean.ToString("+0.000;−0.000;0.000", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{mean.ToString("+0.000;−0.000;0.000", CultureInfo.InvariantCulture)} ± {error:F3}");
}
