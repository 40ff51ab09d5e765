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
    private static IReadOnlyList<(string File, string EnvId)> Index()
    {
        using JsonDocument index = JsonDocument.Parse(File.ReadAllText(ConformanceData.PathOf("babyai", "index.json")));
        return index.RootElement.GetProperty("traces").EnumerateArray()
            .Select(e => (e.GetProperty("file").GetString()!, e.GetProperty("env_id").GetString()!))
            .ToArray();
    }

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
}
