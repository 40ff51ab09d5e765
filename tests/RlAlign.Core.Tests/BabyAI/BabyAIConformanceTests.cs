using System.Text.Json;
using NUnit.Framework;
using RlAlign.Core.Conformance;

namespace RlAlign.Core.Tests.BabyAI;

/// <summary>
/// Every BabyAI trace recorded from Python Minigrid 3.1 (random, truncating and bot-driven action sequences) must
/// match from the seed alone and from its recorded grid, through the replayer `rlalign conformance` uses.
/// </summary>
[TestFixture]
public sealed class BabyAIConformanceTests
{
    private static IReadOnlyList<(string File, string EnvId)> Index() => ConformanceData.Index("babyai");

    public static IEnumerable<TestCaseData> Traces()
    {
        IReadOnlyList<(string File, string EnvId)> index;
        try { index = Index(); }
        catch (IgnoreException e)
        {
            return [new TestCaseData("(no traces)").Ignore(e.Message)];
        }
        return index.Select(t => new TestCaseData(t.File).SetName($"Trace({t.File})"));
    }

    [TestCaseSource(nameof(Traces))]
    public void TraceMatchesFromSeedAndFromRecordedGrid(string file)
    {
        TraceReport report = TraceReplayers.Replay(ConformanceData.PathOf("babyai", file));

        Assert.That(report.Outcomes.Select(o => o.Start), Is.EqualTo(new[] { TraceStart.Seed, TraceStart.RecordedState }));
        foreach (TraceOutcome outcome in report.Outcomes)
        {
            Assert.That(outcome.Mismatch, Is.Null, $"{file} from {outcome.Start}");
            Assert.That(outcome.StepsChecked, Is.GreaterThan(0), $"{file} from {outcome.Start}");
        }
    }

    [Test]
    public void TheIndexListsEveryTraceFileOnce()
    {
        IReadOnlyList<(string File, string EnvId)> index;
        try { index = Index(); }
        catch (IgnoreException e) { Assert.Ignore(e.Message); return; }
        string[] files = TraceReplayers.Find(ConformanceData.PathOf("babyai"))
            .Select(f => Path.GetRelativePath(ConformanceData.PathOf("babyai"), f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();
        Assert.That(index.Select(t => t.File).Order(StringComparer.Ordinal), Is.EqualTo(files));
    }

    /// <summary>
    /// A snapshot taken halfway through a bot episode (clauses of and/after/before already done, objects carried)
    /// restores the verifier's progress: the rest of the recorded actions give the same rewards, flags and
    /// observations, in the same env and in a fresh one.
    /// </summary>
    [TestCase("BabyAI-BossLevel-v0/seed0_bot.json")]
    [TestCase("BabyAI-GoToSeq-v0/seed0_bot.json")]
    [TestCase("BabyAI-PutNextLocal-v0/seed2_bot.json")]
    [TestCase("BabyAI-BossLevel-v0/seed2_bot.json")]
    public void ASnapshotMidEpisodeRestoresTheVerifiersProgress(string file)
    {
        string path;
        try { path = ConformanceData.PathOf("babyai", file); }
        catch (IgnoreException e) { Assert.Ignore(e.Message); return; }
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var trace = RlAlign.Envs.MiniGrid.Conformance.MiniGridTrace.Parse(document.RootElement, path);
        using var env = (RlAlign.Envs.MiniGrid.MiniGridEnv)Core.Envs.Make(trace.EnvId);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, trace.Seed);
        int half = trace.Steps.Count / 2;
        foreach (var step in trace.Steps.Take(half)) env.Step([step.Action], observation);
        byte[] snapshot = env.Snapshot();

        List<(StepResult Result, float[] Observation)> Run(RlAlign.Envs.MiniGrid.MiniGridEnv e)
            => trace.Steps.Skip(half).Select(step => (e.Step([step.Action], observation), (float[])observation.Clone())).ToList();

        var original = Run(env);
        Assert.That(original[^1].Result.Terminated && original[^1].Result.Reward > 0, Is.True, "the bot completes the mission");
        env.Restore(snapshot);
        Assert.That(Run(env), Is.EqualTo(original).UsingPropertiesComparer(), "restored in place");

        using var fresh = (RlAlign.Envs.MiniGrid.MiniGridEnv)Core.Envs.Make(trace.EnvId);
        fresh.Restore(snapshot);
        Assert.That(fresh.Snapshot(), Is.EqualTo(snapshot));
        Assert.That(Run(fresh).Select(s => s.Result), Is.EqualTo(original.Select(s => s.Result)), "restored in a fresh env");
    }
}
