using System.CommandLine;
using System.Diagnostics;
using RlAlign.Algorithms.Imitation;
using RlAlign.Core;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.BabyAI;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

/// <summary>What <see cref="DemosCommand.Record"/> produced: the successful episodes and how many failed.</summary>
public sealed record DemoRecording(DemonstrationSet Demos, int Failures, TimeSpan Elapsed);

public static class DemosCommand
{
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "A BabyAI level id, e.g. BabyAI-GoToLocal-v0.", Required = true };
        var episodes = new Option<int>("--episodes", "-n") { Description = "Episodes to run the bot for (seeds S, S+1, …); only successful ones are kept.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The demonstrations file to write (atomically).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first episode.", DefaultValueFactory = _ => 0 };
        var command = new Command("demos", "Record BabyAI bot demonstrations for behaviour cloning (`algo: bc`).") { env, episodes, output, seed };
        command.SetAction((parseResult, cancellationToken) =>
        {
            int count = parseResult.GetValue(episodes);
            if (count <= 0) throw new ArgumentException($"--episodes must be > 0, got {count}.");
            string path = parseResult.GetValue(output)!;
            var lastReport = Stopwatch.StartNew();
            DemoRecording recording = Record(parseResult.GetValue(env)!, count, parseResult.GetValue(seed), (done, failures) =>
            {
                if (lastReport.Elapsed < TimeSpan.FromSeconds(2) && done < count) return;
                lastReport.Restart();
                Console.Out.WriteLine($"demos: {done}/{count} episodes, {failures} failed");
            }, cancellationToken);
            DemonstrationFile.Write(path, recording.Demos);
            AnsiConsole.MarkupLine($"Wrote {recording.Demos.Episodes.Count:N0} successful episodes ({recording.Demos.StepCount:N0} steps) of {Markup.Escape(recording.Demos.EnvId)} to [bold]{Markup.Escape(path)}[/]; "
                + $"{recording.Failures} failed episode{(recording.Failures == 1 ? "" : "s")} left out; {recording.Elapsed.TotalSeconds:F1} s.");
            return Task.FromResult(RlAlignCommand.ExitOk);
        });
        return command;
    }

    /// <summary>
    /// Runs the BabyAI bot for <paramref name="episodes"/> episodes of <paramref name="envId"/>, episode i reset with
    /// seed <paramref name="firstSeed"/> + i, and keeps the episodes that end in success (terminated with a
    /// positive reward). An episode in which the bot gives up (it opened a box it needed) counts as a failure.
    /// </summary>
    public static DemoRecording Record(string envId, int episodes, ulong firstSeed, Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using IEnv env = Core.Envs.Make(envId);
        if (env.Unwrapped is not RoomGridLevel level)
            throw new ArgumentException($"rlalign demos drives the BabyAI bot, which plays BabyAI levels; '{envId}' is not one (see `rlalign envs BabyAI`).");
        int imageSize = level.AgentViewSize * level.AgentViewSize * DemonstrationSet.ImageChannels;
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[1];
        var kept = new List<DemoEpisode>();
        var images = new List<byte>();
        var directions = new List<byte>();
        var actions = new List<byte>();
        int failures = 0;
        for (int i = 0; i < episodes; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ulong seed = firstSeed + (ulong)i;
            env.Reset(observation, seed);
            images.Clear();
            directions.Clear();
            actions.Clear();
            var bot = new BabyAIBot(env);
            bool success = false;
            try
            {
                int? previous = null;
                StepResult result;
                do
                {
                    int chosen = bot.Replan(previous);
                    foreach (float value in observation.AsSpan(level.ImageOffset, imageSize)) images.Add((byte)value);
                    directions.Add((byte)observation[level.DirectionOffset]);
                    actions.Add((byte)chosen);
                    action[0] = chosen;
                    result = env.Step(action, observation);
                    previous = chosen;
                }
                while (!result.Done);
                success = result.Terminated && result.Reward > 0;
            }
            catch (DisappearedBoxException)
            {
            }
            if (success) kept.Add(new DemoEpisode(seed, level.Mission, true, images.ToArray(), directions.ToArray(), actions.ToArray()));
            else failures++;
            progress?.Invoke(i + 1, failures);
        }
        return new DemoRecording(new DemonstrationSet(envId, level.AgentViewSize, level.AgentViewSize, kept), failures, clock.Elapsed);
    }
}
