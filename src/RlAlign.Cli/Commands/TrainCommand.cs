using System.CommandLine;
using System.Globalization;
using RlAlign.Algorithms;
using RlAlign.Algorithms.Imitation;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

public static class TrainCommand
{
    public static Command Create()
    {
        var experimentArgument = new Argument<string?>("experiment")
        {
            Description = $"An experiment YAML file, or the name of a built-in one ({string.Join(", ", Experiment.EmbeddedNames())}). Default: {Experiment.DefaultExperiment}, unless --env is given.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var overrides = new ExperimentOverrides();
        var runsDirectory = new Option<string>("--runs-dir") { Description = "Where run folders are created.", DefaultValueFactory = _ => "runs" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its last checkpoint (same results as an uninterrupted run on CPU)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Plain progress lines instead of the live bar." };

        var command = new Command("train", "Train an agent: an experiment file and/or --env/--algo, with --set overrides.") { experimentArgument, runsDirectory, resume, quiet };
        overrides.AddTo(command);
        command.SetAction(parseResult =>
        {
            string? resumeFolder = parseResult.GetValue(resume);
            string? experimentName = parseResult.GetValue(experimentArgument);
            Experiment experiment;
            RunFolder run;
            string? checkpoint = null;
            if (resumeFolder is not null)
            {
                if (experimentName is not null || overrides.AnyGiven(parseResult))
                    throw new ArgumentException("--resume continues a run exactly as it was configured; it takes no experiment or overrides.");
                run = RunFolder.Open(resumeFolder);
                checkpoint = run.BestAvailableCheckpoint()
                    ?? throw new FileNotFoundException($"Run folder '{resumeFolder}' has no checkpoint to resume from (checkpoints/latest.ckpt).");
                if (checkpoint == run.FinalCheckpointPath)
                    throw new ArgumentException($"The run in '{resumeFolder}' already finished (checkpoints/final.ckpt exists); evaluate it with `rlalign eval {resumeFolder}`.");
                experiment = Experiment.Load(run.ConfigPath);
                if (ResolvedBcExperiment.IsBc(experiment))
                {
                    RunFolder resumed = run;
                    return RunBehaviorCloning(ResolvedBcExperiment.Resolve(experiment), () => resumed, checkpoint);
                }
            }
            else
            {
                experiment = experimentName is not null ? Experiment.Load(experimentName)
                    : parseResult.GetValue(overrides.Env) is not null ? Experiment.Empty()
                    : Experiment.Load(Experiment.DefaultExperiment);
                overrides.Apply(parseResult, experiment);
                if (ResolvedAlignExperiment.IsAlignment(experiment))
                    throw new ArgumentException($"'{experimentName}' is a language-model alignment experiment; run it with `rlalign align {experimentName}`.");
                run = null!;
                if (ResolvedBcExperiment.IsBc(experiment))
                {
                    ResolvedBcExperiment bc = ResolvedBcExperiment.Resolve(experiment);
                    string runs = parseResult.GetValue(runsDirectory)!;
                    return RunBehaviorCloning(bc, () => RunFolder.Create(runs, bc.Bc.EnvId, bc.Name, bc.Bc.Seed, DateTime.Now), checkpoint: null);
                }
            }
            ResolvedExperiment resolved = ResolvedExperiment.Resolve(experiment);
            if (checkpoint is null) PpoPolicies.CheckInitFrom(resolved.Ppo); // before the run folder exists, so a bad path leaves none behind
            run ??= RunFolder.Create(parseResult.GetValue(runsDirectory)!, resolved.Ppo.EnvId, resolved.Name, resolved.Ppo.Seed, DateTime.Now);

            using var interrupt = new InterruptSignal();
            TrainingOutcome outcome = RunWithProgress(resolved, run, checkpoint, parseResult.GetValue(quiet), interrupt.Token);
            return Report(outcome);
        });
        return command;
    }

    /// <param name="runFolder">Creates (or returns, on a resume) the run folder once the demonstrations have been read.</param>
    private static int RunBehaviorCloning(ResolvedBcExperiment resolved, Func<RunFolder> runFolder, string? checkpoint)
    {
        DemonstrationSet demos = DemonstrationFile.Read(resolved.Bc.Demos, resolved.Bc.EnvId);
        RunFolder run = runFolder();
        using var interrupt = new InterruptSignal();
        BcOutcome outcome = BcSession.Run(resolved, demos, run, checkpoint, Console.Out, interrupt.Token);
        if (outcome.Epochs.Count > 0)
            AnsiConsole.MarkupLine($"{outcome.Epochs.Count} epochs over {outcome.Samples:N0} demonstration steps, {outcome.Elapsed.TotalSeconds:F1} s; "
                + $"final loss {outcome.Epochs[^1].Loss:F4}, accuracy {outcome.Epochs[^1].Accuracy:P1}.");
        if (outcome.Evaluation is { } evaluation)
            AnsiConsole.MarkupLine($"Success rate [bold]{evaluation.SuccessRate:P1}[/] over {evaluation.Successes.Count} fresh seeds (greedy actions), mean length {evaluation.MeanLength:F1}.");
        AnsiConsole.MarkupLine(outcome.Interrupted
            ? $"[yellow]Interrupted.[/] Checkpoint saved; continue with: [bold]rlalign train --resume {Markup.Escape(run.Path)}[/]"
            : $"Run folder: [bold]{Markup.Escape(run.Path)}[/]");
        return RlAlignCommand.ExitOk;
    }

    internal static TrainingOutcome RunWithProgress(ResolvedExperiment resolved, RunFolder run, string? checkpoint, bool quiet, CancellationToken cancellationToken)
    {
        if (quiet || !AnsiConsole.Profile.Capabilities.Interactive)
            return TrainingSession.Run(resolved, run, checkpoint, new LineProgress(Console.Out, TimeSpan.FromSeconds(5)), cancellationToken);
        using var live = new LiveProgress();
        return TrainingSession.Run(resolved, run, checkpoint, live, cancellationToken);
    }

    private static int Report(TrainingOutcome outcome)
    {
        string returns = outcome.Episodes.Count == 0 ? "no episode finished"
            : $"mean return of the last {Math.Min(20, outcome.Episodes.Count)} episodes {outcome.Episodes.TakeLast(20).Average(e => e.Return).ToString("F2", CultureInfo.InvariantCulture)}";
        AnsiConsole.MarkupLine($"{outcome.GlobalStep:N0} steps, {outcome.StepsPerSecond:N0} SPS, {outcome.Elapsed.TotalSeconds:F1} s; {returns}.");
        if (outcome.FinalEvaluation is { } evaluation)
            AnsiConsole.MarkupLine($"Evaluation ({evaluation.Returns.Count} episodes, deterministic): return {evaluation.MeanReturn:F2} ± {evaluation.StdReturn:F2}");
        if (outcome.InitialSuccessRate is { } initial)
            AnsiConsole.MarkupLine($"Success rate of the initial (init_from) policy {initial.SuccessRate:P1} over {initial.Successes.Count} seeds, mean length {initial.MeanLength:F1}.");
        if (outcome.SuccessRate is { } success)
            AnsiConsole.MarkupLine($"Success rate [bold]{success.SuccessRate:P1}[/] over {success.Successes.Count} seeds (greedy actions), mean length {success.MeanLength:F1}.");
        switch (outcome.End)
        {
            case TrainingEnd.Interrupted:
                AnsiConsole.MarkupLine($"[yellow]Interrupted.[/] Checkpoint saved; continue with: [bold]rlalign train --resume {Markup.Escape(outcome.Run.Path)}[/]");
                return RlAlignCommand.ExitOk;
            case TrainingEnd.NonFiniteLoss:
                RlAlignCommand.WriteError(outcome.Problem!);
                return RlAlignCommand.ExitFailure;
            default:
                AnsiConsole.MarkupLine($"Run folder: [bold]{Markup.Escape(outcome.Run.Path)}[/]");
                return RlAlignCommand.ExitOk;
        }
    }
}

/// <summary>
/// The first Ctrl-C (or SIGTERM) asks training to stop at the end of the current iteration and save a
/// checkpoint; a second Ctrl-C ends the process at once.
/// </summary>
internal sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly System.Runtime.InteropServices.PosixSignalRegistration _terminate;

    public InterruptSignal()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        _terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _source.Cancel();
        });
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate.Dispose();
        _source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return; // second Ctrl-C: let the process end
        e.Cancel = true;
        _source.Cancel();
    }
}
