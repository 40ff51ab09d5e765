using System.CommandLine;
using RlAlign.Algorithms;
using RlAlign.Algorithms.Imitation;
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
        var frames = new Option<string?>("--frames") { Description = "Also write the first episode as one PNG per step into this folder." };
        var command = new Command("eval", "Evaluate a trained policy: mean ± std return over N episodes.") { path, episodes, deterministic, seed, device, gif, frames };
        command.SetAction((parseResult, cancellationToken) =>
        {
            string target = parseResult.GetValue(path)!;
            int count = parseResult.GetValue(episodes);
            if (count <= 0) throw new ArgumentException($"--episodes must be > 0, got {count}.");
            bool greedy = parseResult.GetValue(deterministic);
            string? gifPath = parseResult.GetValue(gif), framesFolder = parseResult.GetValue(frames);

            if (TrainedBcPolicy.IsBc(target))
            {
                EvaluateBehaviorCloning(target, parseResult.GetValue(device), count, greedy, parseResult.GetValue(seed), gifPath, framesFolder, cancellationToken);
                return Task.FromResult(RlAlignCommand.ExitOk);
            }
            using (TrainedPolicy loaded = TrainedPolicy.Load(target, parseResult.GetValue(device)))
            {
                IEnv env = loaded.MakeEvaluationEnv();
                var recorder = gifPath is null && framesFolder is null ? null : new RecordFrames(env);
                using IEnv evaluated = recorder ?? env;
                EvaluationResult result = Evaluator.Evaluate(loaded.Trainer.Policy, evaluated, count, greedy, parseResult.GetValue(seed), cancellationToken);

                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(loaded.Checkpoint)}[/]");
                AnsiConsole.MarkupLine($"return [bold]{result.MeanReturn:F2} ± {result.StdReturn:F2}[/] over {result.Returns.Count} episodes "
                    + $"({(greedy ? "deterministic" : "sampled")} actions), mean length {result.MeanLength:F1}");
                if (gifPath is not null) EpisodeFrames.Write(gifPath, recorder!.Frames, "First episode");
                if (framesFolder is not null) EpisodeFrames.Write(framesFolder, recorder!.Frames, "First episode");
            }
            return Task.FromResult(RlAlignCommand.ExitOk);
        });
        return command;
    }

    /// <summary>A bc policy: success rate and return over episodes reset with seeds seed, seed + 1, … (as the run's final evaluation).</summary>
    private static void EvaluateBehaviorCloning(string target, string? device, int count, bool greedy, ulong seed, string? gifPath, string? framesFolder, CancellationToken cancellationToken)
    {
        using TrainedBcPolicy loaded = TrainedBcPolicy.Load(target, device);
        IEnv env = loaded.MakeEnv();
        var recorder = gifPath is null && framesFolder is null ? null : new RecordFrames(env);
        using IEnv evaluated = recorder ?? env;
        SuccessRateResult result = BehaviorCloning.EvaluateSuccessRate(loaded.Policy, evaluated, count, seed, greedy, cancellationToken);

        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(loaded.Checkpoint)}[/] (bc, {loaded.EnvId}, epoch {loaded.Epoch})");
        AnsiConsole.MarkupLine($"success rate [bold]{result.SuccessRate:P1}[/], return [bold]{result.MeanReturn:F2} ± {result.StdReturn:F2}[/] over {result.Returns.Count} episodes "
            + $"(seeds {seed}..{seed + (ulong)count - 1}, {(greedy ? "deterministic" : "sampled")} actions), mean length {result.MeanLength:F1}");
        if (gifPath is not null) EpisodeFrames.Write(gifPath, recorder!.Frames, "First episode");
        if (framesFolder is not null) EpisodeFrames.Write(framesFolder, recorder!.Frames, "First episode");
    }
}
