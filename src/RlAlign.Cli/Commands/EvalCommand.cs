using System.CommandLine;
using RlAlign.Algorithms;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;
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
        var command = new Command("eval", "Evaluate a trained policy: mean ± std return over N episodes.") { path, episodes, deterministic, seed, device };
        command.SetAction((parseResult, cancellationToken) =>
        {
            string target = parseResult.GetValue(path)!;
            int count = parseResult.GetValue(episodes);
            if (count <= 0) throw new ArgumentException($"--episodes must be > 0, got {count}.");
            bool greedy = parseResult.GetValue(deterministic);
            ulong evaluationSeed = parseResult.GetValue(seed);
            string? deviceName = parseResult.GetValue(device);

            EvaluationResult result;
            string checkpoint;
            if (Directory.Exists(target))
            {
                RunFolder run = RunFolder.Open(target);
                checkpoint = run.BestAvailableCheckpoint() ?? throw new FileNotFoundException($"Run folder '{target}' has no checkpoint yet.");
                Experiment experiment = Experiment.Load(run.ConfigPath);
                if (deviceName is not null) experiment.Set("device", deviceName, "--device");
                ResolvedExperiment resolved = ResolvedExperiment.Resolve(experiment);
                using var envs = PpoEnvs.MakeVectorEnv(resolved.Ppo, resolved.EnvOptions.Clone());
                using var trainer = new PpoTrainer(resolved.Ppo, envs);
                trainer.LoadCheckpoint(checkpoint);
                result = Evaluator.Evaluate(trainer, count, greedy, evaluationSeed, cancellationToken, resolved.EnvOptions.Clone());
            }
            else if (File.Exists(target))
            {
                checkpoint = target;
                result = Evaluator.EvaluateCheckpoint(target, count, greedy, evaluationSeed, deviceName, cancellationToken);
            }
            else
            {
                throw new FileNotFoundException($"'{target}' is neither a run folder nor a checkpoint file.");
            }

            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(checkpoint)}[/]");
            AnsiConsole.MarkupLine($"return [bold]{result.MeanReturn:F2} ± {result.StdReturn:F2}[/] over {result.Returns.Count} episodes "
                + $"({(greedy ? "deterministic" : "sampled")} actions), mean length {result.MeanLength:F1}");
            return Task.FromResult(RlAlignCommand.ExitOk);
        });
        return command;
    }
}
