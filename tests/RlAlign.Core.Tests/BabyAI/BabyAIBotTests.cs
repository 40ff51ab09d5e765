using System.Text.Json;
using NUnit.Framework;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.BabyAI;
using RlAlign.Envs.MiniGrid.Conformance;

namespace RlAlign.Core.Tests.BabyAI;

/// <summary>
/// The port of Minigrid 3.1's BabyAI bot: at every step of every recorded bot episode it picks the action Python's bot
/// picked, and it solves the levels it was written for.
/// </summary>
[TestFixture]
public sealed class BabyAIBotTests
{
    public static IEnumerable<TestCaseData> BotTraces()
    {
        string[] files;
        try
        {
            using JsonDocument index = JsonDocument.Parse(File.ReadAllText(ConformanceData.PathOf("babyai", "index.json")));
            files = index.RootElement.GetProperty("traces").EnumerateArray()
                .Where(e => e.GetProperty("kind").GetString() == "bot")
                .Select(e => e.GetProperty("file").GetString()!)
                .ToArray();
        }
        catch (IgnoreException e)
        {
            return [new TestCaseData("(no traces)").Ignore(e.Message)];
        }
        return files.Select(f => new TestCaseData(f).SetName($"BotTrace({f})"));
    }

    [TestCaseSource(nameof(BotTraces))]
    public void ChoosesTheRecordedActionAtEveryStepAndSucceeds(string file)
    {
        string path = ConformanceData.PathOf("babyai", file);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        MiniGridTrace trace = MiniGridTrace.Parse(document.RootElement, path);
        Assert.That(trace.Steps, Is.Not.Empty, file);
        using var env = (MiniGridEnv)Core.Envs.Make(trace.EnvId);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, trace.Seed);
        var bot = new BabyAIBot(env);

        int? previous = null;
        StepResult result = default;
        for (int t = 0; t < trace.Steps.Count; t++)
        {
            int action = bot.Replan(previous);
            Assert.That(action, Is.EqualTo(trace.Steps[t].Action),
                $"{file}: step {t + 1} (agent at {env.AgentPosition}, direction {env.AgentDirection}); plan {string.Join(" ", bot.Plan)}");
            result = env.Step([action], observation);
            previous = action;
        }
        Assert.That(result.Terminated && result.Reward > 0, Is.True, $"{file}: the episode ends in success");
    }

    /// <summary>
    /// The bot solves at least 95% of seeds 0..49 of the levels it is meant for (Python's bot solves nearly all).
    /// The 200-seed figures come from <see cref="SuccessRateOver200Seeds"/>.
    /// </summary>
    [TestCase("BabyAI-GoToLocal-v0")]
    [TestCase("BabyAI-PickupLoc-v0")]
    [TestCase("BabyAI-PutNextLocal-v0")]
    [TestCase("BabyAI-GoTo-v0")]
    [TestCase("BabyAI-Synth-v0")]
    [TestCase("BabyAI-BossLevel-v0")]
    public void SolvesAtLeast95PercentOfSeeds(string envId)
    {
        BotSuccess success = BotSuccess.Measure(envId, seeds: 50);
        Assert.That(success.Rate, Is.GreaterThanOrEqualTo(0.95), success.ToString());
    }

    /// <summary>The figure issue 4 asks for; too slow for the regular run.</summary>
    [Test, Explicit("Measures the bot's success rate over 200 seeds of six levels (several seconds).")]
    public void SuccessRateOver200Seeds()
    {
        string[] levels = ["BabyAI-GoToLocal-v0", "BabyAI-PickupLoc-v0", "BabyAI-PutNextLocal-v0", "BabyAI-GoTo-v0", "BabyAI-Synth-v0", "BabyAI-BossLevel-v0"];
        foreach (string envId in levels)
        {
            BotSuccess success = BotSuccess.Measure(envId, seeds: 200);
            TestContext.Out.WriteLine(success);
            Assert.That(success.Rate, Is.GreaterThanOrEqualTo(0.95), success.ToString());
        }
    }

    /// <summary>
    /// Levels Minigrid's own <c>tests/test_baby_ai_bot.py</c> lists as broken for the bot: the agent starts carrying
    /// an object the instruction names, or the key is hidden in a box (the bot gives up once a box is opened).
    /// </summary>
    private static readonly string[] LevelsMinigridMarksBroken =
        ["BabyAI-PutNextS5N2Carrying-v0", "BabyAI-PutNextS6N3Carrying-v0", "BabyAI-PutNextS7N4Carrying-v0", "BabyAI-KeyInBox-v0"];

    public static IEnumerable<TestCaseData> EveryBabyAILevel()
        => Core.Envs.Ids.Where(id => id.StartsWith("BabyAI-", StringComparison.Ordinal) && !LevelsMinigridMarksBroken.Contains(id))
            .Select(id => new TestCaseData(id).SetName($"SolvesSeeds0To4({id})"));

    /// <summary>
    /// UnlockToUnlock: the ball is behind locked door A, whose key is behind locked door B. When A is the closest
    /// closed door, Python's exploration and "fetch the key first" push each other forever (A's key is out of sight;
    /// by our reading of its code, not run here); the port's exploration first goes for a locked door whose key it
    /// has seen. Seed 4 is such a level (before: 109 of seeds 0..199 solved, all failures that loop).
    /// </summary>
    [Test]
    public void OpensTheDoorWhoseKeyItHasSeenFirst()
    {
        BotSuccess success = BotSuccess.Measure("BabyAI-UnlockToUnlock-v0", seeds: 20);
        Assert.That(success.Failures, Is.Empty, success.ToString());
    }

    /// <summary>
    /// As Minigrid's test: on every other level the bot ends the episode by termination. It also succeeds, except on
    /// the Debug levels, whose strict verifier fails the episode as soon as a door is opened out of order — which the
    /// bot's exploration does (Minigrid's test only asks for termination).
    /// </summary>
    [TestCaseSource(nameof(EveryBabyAILevel))]
    public void EndsEveryLevelMinigridsTestCovers(string envId)
    {
        BotSuccess outcome = BotSuccess.Measure(envId, seeds: 5);
        if (envId.EndsWith("Debug-v0", StringComparison.Ordinal))
            Assert.That(outcome.Failures, Has.All.Contains("ended without reward"), outcome.ToString());
        else
            Assert.That(outcome.Failures, Is.Empty, outcome.ToString());
    }

    [Test]
    public void RejectsAnEnvThatIsNotABabyAILevel()
    {
        using var env = (MiniGridEnv)Core.Envs.Make("MiniGrid-Empty-5x5-v0");
        Assert.That(() => new BabyAIBot(env), Throws.ArgumentException.With.Message.Contains("BabyAI levels"));
    }

    [Test]
    public void RejectsAnActionOutsideMinigridsSeven()
    {
        using var env = (MiniGridEnv)Core.Envs.Make("BabyAI-GoToLocal-v0");
        env.Reset(new float[env.ObservationSpace.FlatSize], 0);
        var bot = new BabyAIBot(env);
        Assert.That(() => bot.Replan(7), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    /// <summary>How often the bot, run until the episode ends, completes the mission on seeds 0..n−1.</summary>
    private sealed record BotSuccess(string EnvId, int Seeds, int Successes, IReadOnlyList<string> Failures)
    {
        public double Rate => (double)Successes / Seeds;

        public static BotSuccess Measure(string envId, int seeds)
        {
            using var env = (MiniGridEnv)Core.Envs.Make(envId);
            var observation = new float[env.ObservationSpace.FlatSize];
            var failures = new List<string>();
            for (int seed = 0; seed < seeds; seed++)
            {
                env.Reset(observation, (ulong)seed);
                var bot = new BabyAIBot(env);
                int? previous = null;
                StepResult result;
                try
                {
                    do
                    {
                        int action = bot.Replan(previous);
                        result = env.Step([action], observation);
                        previous = action;
                    }
                    while (!result.Terminated && !result.Truncated);
                }
                catch (InvalidOperationException e)
                {
                    failures.Add($"seed {seed}: {e.Message}");
                    continue;
                }
                if (!(result.Terminated && result.Reward > 0)) failures.Add($"seed {seed}: {(result.Truncated ? "truncated" : "ended without reward")}");
            }
            return new BotSuccess(envId, seeds, seeds - failures.Count, failures);
        }

        public override string ToString()
            => $"{EnvId}: {Successes}/{Seeds} = {Rate:P1}" + (Failures.Count == 0 ? "" : "; failures: " + string.Join("; ", Failures));
    }
}
