using System.CommandLine;
using RlAlign.Algorithms;
using RlAlign.Algorithms.Imitation;
using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Wrappers;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

/// <summary>
/// <c>rlalign render</c>: records episodes of an env as an animated GIF or one PNG per step, driven by a
/// trained policy (a run folder or checkpoint) or, given an env id, by uniformly random actions.
/// </summary>
public static class RenderCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("target") { Description = "An env id (random actions), or a run folder or checkpoint file (its trained policy acts)." };
        var output = new Option<string?>("--out", "-o") { Description = "A .gif file, or a folder for one PNG per step. Default: <env>-seed<seed>.gif." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first reset and of the actions.", DefaultValueFactory = _ => 0 };
        var episodes = new Option<int>("--episodes", "-n") { Description = "Episodes to record, one after another.", DefaultValueFactory = _ => 1 };
        var maxSteps = new Option<int>("--max-steps") { Description = "Stop recording after this many steps in all (random actions may never end an episode).", DefaultValueFactory = _ => 1000 };
        var deterministic = new Option<bool>("--deterministic") { Description = "With a policy: greedy actions (argmax / Gaussian mean) instead of sampling." };
        var envOptions = new Option<string[]>("--option") { Description = "An env option as key=value (repeatable), e.g. --option size=8; for env ids only.", AllowMultipleArgumentsPerToken = false };
        var device = new Option<string?>("--device") { Description = "With a policy: cpu, cuda, cuda:N or auto." };
        var command = new Command("render", "Record episodes as an animated GIF or PNG frames, with random actions or a trained policy.")
        {
            target, output, seed, episodes, maxSteps, deterministic, envOptions, device,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            string what = parseResult.GetValue(target)!;
            int episodeCount = parseResult.GetValue(episodes), stepLimit = parseResult.GetValue(maxSteps);
            if (episodeCount <= 0) throw new ArgumentException($"--episodes must be > 0, got {episodeCount}.");
            if (stepLimit <= 0) throw new ArgumentException($"--max-steps must be > 0, got {stepLimit}.");
            ulong firstSeed = parseResult.GetValue(seed);
            string[] options = parseResult.GetValue(envOptions) ?? [];

            if (TrainedPolicy.Exists(what) && options.Length > 0)
                throw new ArgumentException("--option applies to env ids; a run renders with the env options it was trained with.");
            if (TrainedPolicy.Exists(what) && TrainedBcPolicy.IsBc(what))
            {
                using TrainedBcPolicy policy = TrainedBcPolicy.Load(what, parseResult.GetValue(device));
                using var recorder = new RecordFrames(policy.MakeEnv(), episodeCount);
                using var actor = new PolicyActor(policy.Policy, parseResult.GetValue(deterministic), firstSeed);
                string result = Record(recorder, actor.StartEpisode, actor.Act, episodeCount, stepLimit, firstSeed, cancellationToken);
                Save(parseResult.GetValue(output), policy.EnvId, firstSeed, recorder, result);
            }
            else if (TrainedPolicy.Exists(what))
            {
                using TrainedPolicy policy = TrainedPolicy.Load(what, parseResult.GetValue(device));
                using var recorder = new RecordFrames(policy.MakeEvaluationEnv(), episodeCount);
                using var actor = new PolicyActor(policy.Trainer.Policy, parseResult.GetValue(deterministic), firstSeed);
                string result = Record(recorder, actor.StartEpisode, actor.Act, episodeCount, stepLimit, firstSeed, cancellationToken);
                Save(parseResult.GetValue(output), policy.Trainer.Config.EnvId, firstSeed, recorder, result);
            }
            else
            {
                using var recorder = new RecordFrames(Core.Envs.Make(what, ParseOptions(options)), episodeCount);
                var random = NumpyGenerator.FromSeed(firstSeed);
                string result = Record(recorder, startEpisode: () => { }, (_, action) => recorder.ActionSpace.Sample(random, action), episodeCount, stepLimit, firstSeed, cancellationToken);
                Save(parseResult.GetValue(output), what, firstSeed, recorder, result);
            }
            return Task.FromResult(RlAlignCommand.ExitOk);
        });
        return command;
    }

    private delegate void ChooseAction(ReadOnlySpan<float> observation, Span<float> action);

    /// <summary>Runs up to <paramref name="episodes"/> episodes (at most <paramref name="stepLimit"/> steps in all); returns a summary line.</summary>
    private static string Record(IEnv env, Action startEpisode, ChooseAction chooseAction, int episodes, int stepLimit, ulong seed, CancellationToken cancellationToken)
    {
        float[] observation = new float[env.ObservationSpace.FlatSize];
        float[] action = new float[env.ActionSpace.FlatSize];
        var returns = new List<double>();
        int steps = 0;
        for (int episode = 0; episode < episodes && steps < stepLimit; episode++)
        {
            env.Reset(observation, episode == 0 ? seed : null);
            startEpisode();
            double episodeReturn = 0;
            bool done = false;
            while (!done && steps < stepLimit)
            {
                cancellationToken.ThrowIfCancellationRequested();
                chooseAction(observation, action);
                StepResult result = env.Step(action, observation);
                episodeReturn += result.Reward;
                done = result.Terminated || result.Truncated;
                steps++;
            }
            if (done) returns.Add(episodeReturn);
        }
        string finished = returns.Count == 0 ? "no episode finished" : $"returns {string.Join(", ", returns.Select(r => r.ToString("0.###")))}";
        return $"{steps} steps, {finished}";
    }

    private static void Save(string? output, string envId, ulong seed, RecordFrames recorder, string summary)
    {
        AnsiConsole.MarkupLine(Markup.Escape(summary));
        EpisodeFrames.Write(output ?? $"{envId}-seed{seed}.gif", recorder.Frames, "Recording");
    }

    private static EnvOptions ParseOptions(IEnumerable<string> settings)
    {
        var values = new List<KeyValuePair<string, object?>>();
        foreach (string setting in settings)
        {
            int equals = setting.IndexOf('=');
            if (equals <= 0) throw new ArgumentException($"--option '{setting}' must be key=value, e.g. --option size=8.");
            values.Add(new(setting[..equals].Trim(), setting[(equals + 1)..].Trim()));
        }
        return new EnvOptions(values);
    }
}
