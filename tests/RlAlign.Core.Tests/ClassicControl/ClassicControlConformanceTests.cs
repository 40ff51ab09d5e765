using NUnit.Framework;
using RlAlign.Core.Conformance;

namespace RlAlign.Core.Tests.ClassicControl;

/// <summary>
/// Every recorded Gymnasium classic control trace must match, from the seed alone and from the recorded
/// reset state, through the same replayer `rlalign conformance` uses (its comparison rules are documented
/// on <see cref="RlAlign.Envs.Classic.Conformance.ClassicControlTraceReplayer"/>).
/// </summary>
[TestFixture]
public sealed class ClassicControlConformanceTests
{
    [TestCaseSource(typeof(ClassicControlTrace), nameof(ClassicControlTrace.Cases))]
    public void TraceMatchesFromTheSeedAndFromTheRecordedState(string file)
    {
        TraceReport report = TraceReplayers.Replay(ConformanceData.PathOf("classic_control", file));

        Assert.That(report.Outcomes.Select(o => o.Start), Is.EquivalentTo(new[] { TraceStart.Seed, TraceStart.RecordedState }));
        foreach (TraceOutcome outcome in report.Outcomes)
        {
            Assert.That(outcome.Mismatch, Is.Null, $"{file} from {outcome.Start}");
            Assert.That(outcome.StepsChecked, Is.EqualTo(ClassicControlTrace.Load(file).Steps.Count), $"{file} from {outcome.Start}");
        }
    }

    [Test]
    public void AReplayThatDivergesSaysWhere()
    {
        string file = ClassicControlTrace.Cases().Select(c => (string)c.Arguments[0]!).First(f => f.StartsWith("CartPole", StringComparison.Ordinal));
        string tampered = Path.Combine(Path.GetTempPath(), $"rlalign-tampered-{Guid.NewGuid():N}.json");
        // Recorded step 3's reward changed from 1.0 to 2.0.
        string json = File.ReadAllText(ConformanceData.PathOf("classic_control", file));
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["steps"]![2]!["reward"] = 2.0;
        File.WriteAllText(tampered, node.ToJsonString());
        try
        {
            TraceReport report = TraceReplayers.Replay(tampered);
            Assert.That(report.Matched, Is.False);
            Assert.That(report.Outcomes[0].Mismatch, Does.StartWith("step 3 reward: got 1, expected 2"));
            Assert.That(report.Outcomes[0].StepsChecked, Is.EqualTo(2));
        }
        finally
        {
            File.Delete(tampered);
        }
    }
}
