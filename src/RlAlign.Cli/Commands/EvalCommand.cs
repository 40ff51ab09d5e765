using System.CommandLine;
using RlAlign.Algorithms;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;
using RlAlign.Core;
using RlAlign.Core.Rendering;
using RlAlign.Core.Vector;
using RlAlign.Core.Wrappers;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

public static class EvalCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A run folder (uses its final or latest checkpoint and its env options) or a checkpoint file." };
        var episodes = new Option<int>("--episodes", "-n") { Description = "Episodes to run.", DefaultValueFactory = _ => 10 };
        var deterministic = new Option<bool>("--deterministic") { Description = "Greedy actions (argmax / Gaussian mean) instead of sampling." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first reset and of action sampling.", DefaultValueFactory = _ => 0 };
        var device = new Option<string?>("--device") { Description = "cpu, cuda, cuda:N or auto." };
        var gif = new Option<string?>("--gif") { Description = "Also write the first episode as an animated GIF to this file." };
        var command = new Command("eval", "Evaluate a trained policy: mean ± std return over N episodes.") { path, episodes, deterministic, seed, device, gif };
        command.SetAction((parseResult, cancellationToken) =>
        {
            string target = parseResult.GetValue(path)!;
            int count = parseResult.GetValue(episodes);
            if (count <= 0) throw new ArgumentException($"--episodes must be > 0, got {count}.");
            bool greedy = parseResult.GetValue(deterministic);
            string? gifPath = parseResult.GetValue(gif);

            using (LoadedPolicy loaded = LoadPolicy(target, parseResult.GetValue(device)))
            {
                PpoTrainer trainer = loaded.Trainer;
                IEnv env = PpoEnvs.MakeEvaluationEnv(trainer.Config, PpoEnvs.ObservationStatistics(trainer.Envs), loaded.EnvOptions.Clone());
                var recorder = gifPath is null ? null : new RecordFrames(env);
                using IEnv evaluated = recorder ?? env;
                EvaluationResult result = Evaluator.Evaluate(trainer.Policy, evaluated, count, greedy, parseResult.GetValue(seed), cancellationToken);

                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(loaded.Checkpoint)}[/]");
                AnsiConsole.MarkupLine($"return [bold]{result.MeanReturn:F2} ± {result.StdReturn:F2}[/] over {result.Returns.Count} episodes "
                    + $"({(greedy ? "deterministic" : "sampled")} actions), mean length {result.MeanLength:F1}");
                if (recorder is not null)
                {
                    GifWriter.Save(gifPath!, recorder.Frames);
                    AnsiConsole.MarkupLine($"First episode ({recorder.Frames.Count} frames) written to [bold]{Markup.Escape(gifPath!)}[/]");
                }
            }
            return Task.FromResult(RlAlignCommand.ExitOk);
        });
        return command;
    }

    /// <summary>A trained policy restored into a trainer, with the env options its run used.</summary>
    private sealed record LoadedPolicy(PpoTrainer Trainer, IDisposable? OwnedEnvs, EnvOptions EnvOptions, string Checkpoint) : IDisposable
    {
        public void Dispose()
        {
            Trainer.Dispose();
            OwnedEnvs?.Dispose();
        }
    }

    /// <summary>Restores the policy of a run folder (built with the run's env options) or of a checkpoint file.</summary>
    private static LoadedPolicy LoadPolicy(string target, string? device)
    {
        if (File.Exists(target))
            return new LoadedPolicy(PpoTrainer.FromCheckpoint(target, adjust: device is null ? null : config => config with { Device = device }), null, new EnvOptions(), target);
        if (!Directory.Exists(target))
            throw new FileNotFoundException($"'{target}' is neither a run folder nor a checkpoint file.");

        RunFolder run = RunFolder.Open(target);
        string checkpoint = run.BestAvailableCheckpoint() ?? throw new FileNotFoundException($"Run folder '{target}' has no checkpoint yet.");
        Experiment experiment = Experiment.Load(run.ConfigPath);
        if (device is not null) experiment.Set("device", device, "--device");
        ResolvedExperiment resolved = ResolvedExperiment.Resolve(experiment);
        IVectorEnv envs = PpoEnvs.MakeVectorEnv(resolved.Ppo, resolved.EnvOptions.Clone());
        PpoTrainer? trainer = null;
        try
        {
            trainer = new PpoTrainer(resolved.Ppo, envs);
            trainer.LoadCheckpoint(checkpoint);
            return new LoadedPolicy(trainer, envs, resolved.EnvOptions, checkpoint);
        }
        catch
        {
            trainer?.Dispose();
            envs.Dispose();
            throw;
        }
    }
}
