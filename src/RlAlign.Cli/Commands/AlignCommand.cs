using System.CommandLine;
using System.Globalization;
using RlAlign.Alignment.Data;
using RlAlign.Alignment.Pipeline;
using RlAlign.Alignment.Tokenization;
using RlAlign.Alignment.Training;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;
using RlAlign.Policies.Language;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

/// <summary>
/// <c>rlalign align EXPERIMENT</c>: preference fine-tuning of a causal LM. A built-in task experiment runs SFT → sampled
/// pairs → iterative DPO or APO → oracle evaluation; a data experiment runs SFT or DPO of a Hugging Face GPT-2 folder on
/// TRL-format JSONL. The run folder holds config.yaml, metrics.csv, TensorBoard events and the model as a Hugging Face folder.
/// </summary>
public static class AlignCommand
{
    public const string ModelFolderName = "model";
    public const string SftFolderName = "sft-model";
    public const string EvaluationFileName = "evaluation.csv";
    public const string EvaluationPlotName = "evaluation.png";

    public static Command Create()
    {
        string[] builtIn = [.. Experiment.EmbeddedNames().Where(n => ResolvedAlignExperiment.IsAlignment(Experiment.Load(n)))];
        var experimentArgument = new Argument<string?>("experiment")
        {
            Description = $"An alignment experiment YAML file, or a built-in one ({string.Join(", ", builtIn)}).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var seed = new Option<long?>("--seed") { Description = "Random seed of the run." };
        var set = new Option<string[]>("--set") { Description = "Override any setting: --set key=value (repeatable); nested blocks with dots, e.g. --set preference.rounds=6 --set sft.learning_rate=1e-3." };
        var runsDirectory = new Option<string>("--runs-dir") { Description = "Where run folders are created.", DefaultValueFactory = _ => "runs" };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted data run (train_file) from its last checkpoint in RUN/checkpoints." };

        var command = new Command("align", "Align a causal language model: SFT, DPO or APO on a built-in task or your TRL-format JSONL data.")
        {
            experimentArgument, seed, set, runsDirectory, resume,
        };
        command.SetAction(parseResult =>
        {
            string? resumeFolder = parseResult.GetValue(resume);
            Experiment experiment;
            RunFolder run;
            string? experimentName = parseResult.GetValue(experimentArgument);
            if (resumeFolder is not null)
            {
                if (experimentName is not null || parseResult.GetValue(seed) is not null || (parseResult.GetValue(set)?.Length ?? 0) > 0)
                    throw new ArgumentException("--resume continues a run exactly as it was configured; it takes no experiment, --seed or --set.");
                run = RunFolder.Open(resumeFolder);
                experiment = Experiment.Load(run.ConfigPath);
            }
            else
            {
                experiment = Experiment.Load(experimentName
                    ?? throw new ArgumentException($"Name an experiment: a YAML file or a built-in one ({string.Join(", ", builtIn)}), e.g. rlalign align dpo-tiny."));
                if (parseResult.GetValue(seed) is long value) experiment.Set("seed", value.ToString(CultureInfo.InvariantCulture), "--seed");
                foreach (string assignment in parseResult.GetValue(set) ?? []) experiment.Set(assignment);
                run = null!;
            }
            if (!ResolvedAlignExperiment.IsAlignment(experiment))
                throw new ConfigException(experiment.Origin, null, $"this is not an alignment experiment (it has no task or train_file); run it with `rlalign train {experimentName}`.");
            ResolvedAlignExperiment resolved = ResolvedAlignExperiment.Resolve(experiment);
            if (resumeFolder is not null && resolved.IsTask)
                throw new ArgumentException($"The run in '{resumeFolder}' is a built-in task run, which takes minutes and is not resumable; start it again.");
            // A data run reads its model and data first, so that a bad file leaves no half-made run folder behind.
            using DataInputs? inputs = resolved.IsTask ? null : DataInputs.Read(resolved.Algorithm, resolved.Data!);
            run ??= CreateRun(resolved, parseResult.GetValue(runsDirectory)!);
            using var interrupt = new InterruptSignal();
            if (!resolved.IsTask) return RunData(resolved, inputs!, run, resumeFolder is not null, interrupt.Token);
            RunTask(resolved, run, interrupt.Token);
            return RlAlignCommand.ExitOk;
        });
        return command;
    }

    /// <summary>Creates the run folder and writes the resolved config.yaml into it.</summary>
    internal static RunFolder CreateRun(ResolvedAlignExperiment experiment, string runsDirectory)
    {
        RunFolder run = RunFolder.Create(runsDirectory, experiment.Subject, experiment.Name, experiment.Seed, DateTime.Now);
        Core.AtomicFile.WriteAllText(run.ConfigPath, experiment.ToYaml($"Resolved configuration of run {run.Name}. Rerun it with: rlalign align {run.ConfigPath}"));
        return run;
    }

    /// <summary>
    /// Runs a built-in task experiment into <paramref name="run"/>: the models, evaluation.csv and evaluation.png, and a
    /// table on the console. Returns the evaluations after SFT and each round, or null when interrupted.
    /// </summary>
    internal static IReadOnlyList<AlignmentEvaluation>? RunTask(ResolvedAlignExperiment experiment, RunFolder run, CancellationToken cancellationToken)
    {
        TaskAlignmentConfig config = experiment.Task!;
        AnsiConsole.MarkupLine($"{Markup.Escape(experiment.Name)}: {experiment.Algorithm.ToString().ToLowerInvariant()} on task [bold]{Markup.Escape(config.Task)}[/], seed {config.Seed} -> {Markup.Escape(run.Path)}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<AlignmentEvaluation> evaluations;
        using (var recorder = new MetricsRecorder(run))
        {
            void Progress(string line)
            {
                recorder.Flush();
                Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F0} s] {line}");
            }
            Gpt2LMHeadModel model;
            try
            {
                (model, evaluations) = TaskAlignment.Run(config, experiment.Algorithm, new ProgressSink(recorder, clock), Progress, Path.Combine(run.Path, SftFolderName), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                recorder.Flush();
                AnsiConsole.MarkupLine($"[yellow]Interrupted.[/] metrics.csv holds the evaluations so far; a task run takes minutes and starts again rather than resuming.");
                return null;
            }
            using (model)
            {
                string folder = Path.Combine(run.Path, ModelFolderName);
                model.SavePretrained(folder);
                TokenizerFolder.CopyFiles(Path.Combine(run.Path, SftFolderName), folder);
            }
        }
        WriteEvaluations(run, evaluations);
        EvaluationPlot.Save(Path.Combine(run.Path, EvaluationPlotName), evaluations, $"{experiment.Name} ({config.Task}, seed {config.Seed})");

        var table = new Table().AddColumns("round", "oracle reward", "fully correct", "win rate vs SFT", "KL to SFT");
        foreach (AlignmentEvaluation e in evaluations)
            table.AddRow(e.Round == 0 ? "0 (SFT)" : e.Round.ToString(CultureInfo.InvariantCulture), $"{e.MeanReward:F3} ± {e.RewardStandardError:F3}",
                $"{e.FullyCorrectRate:P1}", $"{e.WinRateVsSft:P1}", $"{e.KlToSft:F3}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{clock.Elapsed.TotalSeconds:F0} s. Run folder: [bold]{Markup.Escape(run.Path)}[/] (model/ is a Hugging Face folder)");
        return evaluations;
    }

    private static int RunData(ResolvedAlignExperiment experiment, DataInputs inputs, RunFolder run, bool resuming, CancellationToken cancellationToken)
    {
        DatasetAlignmentConfig config = experiment.Data!;
        TorchSharp.torch.set_num_threads(config.TorchThreads);
        Gpt2LMHeadModel model = inputs.Model;
        string checkpoints = run.CheckpointDirectory;
        (string Path, int Step)? latest = resuming ? LatestCheckpoint(checkpoints)
            ?? throw new FileNotFoundException($"Run folder '{run.Path}' has no checkpoint to resume from (checkpoints/checkpoint-STEP).") : null;
        string? resumeFrom = latest?.Path;
        // Metrics logged after the checkpoint are logged again by the resumed run.
        if (latest is { } resumed) MetricsRecorder.TruncateAfter(run.MetricsPath, resumed.Step);
        AnsiConsole.MarkupLine($"{Markup.Escape(experiment.Name)}: {experiment.Algorithm.ToString().ToLowerInvariant()} of {Markup.Escape(config.Model)} on {Markup.Escape(config.TrainFile)}"
            + (resumeFrom is null ? "" : $", resuming from {Markup.Escape(resumeFrom)}") + $" -> {Markup.Escape(run.Path)}");
        ReportSkipped(config.TrainFile, inputs.TrainReport);
        if (config.EvalFile is not null) ReportSkipped(config.EvalFile, inputs.EvalReport!);

        using var recorder = new MetricsRecorder(run);
        var logger = new ProgressSink(recorder, System.Diagnostics.Stopwatch.StartNew());
        Trainer trainer = experiment.Algorithm == AlignmentAlgorithm.Sft
            ? new SftTrainer(model, inputs.Tokenizer, inputs.SftTrain!, config.Sft with { Seed = config.Seed, OutputDir = checkpoints }, inputs.SftEval, logger)
            : new DpoTrainer(model, inputs.Tokenizer, inputs.PreferenceTrain!, config.Dpo with { Seed = config.Seed, OutputDir = checkpoints }, inputs.PreferenceEval, logger);
        using (trainer)
        {
            AnsiConsole.MarkupLine($"{trainer.TrainExampleCount:N0} training examples, {trainer.TotalSteps:N0} optimizer steps.");
            TrainingResult result;
            try
            {
                result = trainer.Train(resumeFrom, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                string checkpoint = Path.Combine(checkpoints, $"checkpoint-{trainer.GlobalStep}");
                trainer.SaveCheckpoint(checkpoint);
                recorder.Flush();
                AnsiConsole.MarkupLine($"[yellow]Interrupted[/] at step {trainer.GlobalStep}; checkpoint saved. Continue with: [bold]rlalign align --resume {Markup.Escape(run.Path)}[/]");
                return RlAlignCommand.ExitOk;
            }
            recorder.Flush();
            string folder = Path.Combine(run.Path, ModelFolderName);
            model.SavePretrained(folder);
            TokenizerFolder.CopyFiles(config.Model, folder);
            string metrics = string.Join(", ", result.LastMetrics.Select(m => $"{m.Key} {m.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
            AnsiConsole.MarkupLine($"{result.GlobalStep:N0} steps; {Markup.Escape(metrics)}");
        }
        AnsiConsole.MarkupLine($"Run folder: [bold]{Markup.Escape(run.Path)}[/] (model/ is a Hugging Face folder)");
        return RlAlignCommand.ExitOk;
    }

    private static void ReportSkipped(string file, DatasetReadReport report)
    {
        if (report.SkippedLines == 0) return;
        AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(file)}: skipped {report.SkippedLines} invalid line(s)[/] of {report.Rows + report.SkippedLines}; first: {Markup.Escape(report.SkipReasons.FirstOrDefault() ?? "")}");
    }

    private static (string Path, int Step)? LatestCheckpoint(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        return Directory.GetDirectories(folder, "checkpoint-*")
            .Select(path => (Path: path, Step: int.TryParse(Path.GetFileName(path)["checkpoint-".Length..], CultureInfo.InvariantCulture, out int s) ? s : -1))
            .Where(c => c.Step >= 0 && File.Exists(Path.Combine(c.Path, Trainer.StateFileName)))
            .OrderByDescending(c => c.Step).Cast<(string Path, int Step)?>().FirstOrDefault();
    }

    private const string EvaluationHeader = "round,oracle_reward,oracle_reward_stderr,fully_correct,win_rate_vs_sft,kl_to_sft";

    private static void WriteEvaluations(RunFolder run, IReadOnlyList<AlignmentEvaluation> evaluations)
    {
        var csv = new System.Text.StringBuilder(EvaluationHeader).Append('\n');
        foreach (AlignmentEvaluation e in evaluations)
            csv.AppendLine(string.Join(',', new object[] { e.Round, e.MeanReward, e.RewardStandardError, e.FullyCorrectRate, e.WinRateVsSft, e.KlToSft }
                .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        Core.AtomicFile.WriteAllText(Path.Combine(run.Path, EvaluationFileName), csv.ToString());
    }

    /// <summary>Reads a task run's evaluation.csv back; errors name the file and line.</summary>
    internal static IReadOnlyList<AlignmentEvaluation> ReadEvaluations(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != EvaluationHeader) throw new FormatException($"{path}:1: expected the header '{EvaluationHeader}'.");
        var evaluations = new List<AlignmentEvaluation>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            string[] cells = lines[i].Split(',');
            double[] values = new double[cells.Length];
            if (cells.Length != 6 || !cells.Select((c, k) => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out values[k])).All(ok => ok))
                throw new FormatException($"{path}:{i + 1}: expected 6 numbers (round and five metrics), got '{lines[i]}'.");
            evaluations.Add(new AlignmentEvaluation((int)values[0], values[1], values[2], values[3], values[4], values[5]));
        }
        return evaluations;
    }

    /// <summary>A data run's model, tokenizer and examples, read in full before anything is written.</summary>
    private sealed class DataInputs : IDisposable
    {
        public required Gpt2LMHeadModel Model { get; init; }
        public required ITokenizer Tokenizer { get; init; }
        public required DatasetReadReport TrainReport { get; init; }
        public DatasetReadReport? EvalReport { get; init; }
        public List<SftExample>? SftTrain { get; init; }
        public List<SftExample>? SftEval { get; init; }
        public List<PreferenceExample>? PreferenceTrain { get; init; }
        public List<PreferenceExample>? PreferenceEval { get; init; }

        public static DataInputs Read(AlignmentAlgorithm algorithm, DatasetAlignmentConfig config)
        {
            var options = new DatasetOptions { SkipInvalid = config.SkipInvalidLines };
            if (!Directory.Exists(config.Model))
                throw new DirectoryNotFoundException($"model: the folder '{config.Model}' does not exist (a Hugging Face GPT-2 folder: config.json, model.safetensors, tokenizer files).");
            ITokenizer tokenizer = TokenizerFolder.Load(config.Model);
            if (algorithm == AlignmentAlgorithm.Sft)
            {
                SftDataset train = SftDataset.Open(config.TrainFile, options);
                SftDataset? eval = config.EvalFile is null ? null : SftDataset.Open(config.EvalFile, options);
                List<SftExample> trainRows = [.. train], evalRows = eval is null ? [] : [.. eval];
                return new DataInputs
                {
                    Model = Gpt2LMHeadModel.FromPretrained(config.Model), Tokenizer = tokenizer, TrainReport = train.Report, EvalReport = eval?.Report,
                    SftTrain = trainRows, SftEval = eval is null ? null : evalRows,
                };
            }
            PreferenceDataset pairs = PreferenceDataset.Open(config.TrainFile, options);
            PreferenceDataset? evalPairs = config.EvalFile is null ? null : PreferenceDataset.Open(config.EvalFile, options);
            List<PreferenceExample> pairRows = [.. pairs], evalPairRows = evalPairs is null ? [] : [.. evalPairs];
            return new DataInputs
            {
                Model = Gpt2LMHeadModel.FromPretrained(config.Model), Tokenizer = tokenizer, TrainReport = pairs.Report, EvalReport = evalPairs?.Report,
                PreferenceTrain = pairRows, PreferenceEval = evalPairs is null ? null : evalPairRows,
            };
        }

        public void Dispose() => Model.Dispose();
    }

    /// <summary>Passes metrics to the run's files, and prints a progress line at each training loss report (SFT's or DPO's).</summary>
    private sealed class ProgressSink(MetricsRecorder recorder, System.Diagnostics.Stopwatch clock) : Algorithms.IMetricsSink
    {
        public void Add(string name, double value, long step)
        {
            recorder.Add(name, value, step);
            if (name is not (TrainerMetricNames.Loss or "sft/" + TrainerMetricNames.Loss)) return;
            recorder.Flush();
            string stage = name == TrainerMetricNames.Loss ? "step" : "sft step";
            Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F0} s] {stage} {step}: loss {value.ToString("F4", CultureInfo.InvariantCulture)}");
        }
    }
}
