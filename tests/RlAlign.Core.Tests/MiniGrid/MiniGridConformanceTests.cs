using System.Text.Json;
using NUnit.Framework;
using RlAlign.Core.Conformance;

namespace RlAlign.Core.Tests.MiniGrid;

/// <summary>
/// Every trace recorded from Python Minigrid 3.1 must match from the seed alone and from its recorded grid, through the replayer
/// `rlalign conformance` uses (<see cref="RlAlign.Envs.MiniGrid.Conformance.MiniGridTraceReplayer"/>).
/// </summary>
[TestFixture]
public sealed class MiniGridConformanceTests
{
    /// <summary>Every (file, env id) listed in minigrid/index.json.</summary>
    private static IReadOnlyList<(string File, string EnvId)> Index() => ConformanceData.Index("minigrid");

    /// <summary>One case per trace of an id this port registers; the others are listed by <see cref="UncoveredTraceIds"/>.</summary>
    public static IEnumerable<TestCaseData> RegisteredTraces()
    {
        IReadOnlyList<(string File, string EnvId)> index;
        try { index = Index(); }
        catch (IgnoreException e)
        {
            return [new TestCaseData("(no traces)").Ignore(e.Message)];
        }
        return index.Where(t => Core.Envs.Registry.TryGet(t.EnvId, out _))
            .Select(t => new TestCaseData(t.File).SetName($"Trace({t.File})"));
    }

    [TestCaseSource(nameof(RegisteredTraces))]
    public void TraceMatchesFromSeedAndFromRecordedGrid(string file)
    {
        TraceReport report = TraceReplayers.Replay(ConformanceData.PathOf("minigrid", file));

        Assert.That(report.Outcomes.Select(o => o.Start), Is.EqualTo(new[] { TraceStart.Seed, TraceStart.RecordedState }));
        foreach (TraceOutcome outcome in report.Outcomes)
        {
            Assert.That(outcome.Mismatch, Is.Null, $"{file} from {outcome.Start}");
            Assert.That(outcome.StepsChecked, Is.GreaterThan(0), $"{file} from {outcome.Start}");
        }
    }

    [Test]
    public void ARecordedGridOverlaidOnAnotherSeedsLayoutReplaysThatTrace()
    {
        // The recorded-grid start must not depend on the port's layout: lay seed 1's recorded state over
        // the layout of seed 7 and replay seed 1's actions.
        string path = ConformanceData.PathOf("minigrid", "MiniGrid-DoorKey-8x8-v0/seed1_random.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var trace = RlAlign.Envs.MiniGrid.Conformance.MiniGridTrace.Parse(document.RootElement, path);
        using var env = (RlAlign.Envs.MiniGrid.MiniGridEnv)Core.Envs.Make(trace.EnvId);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed: 7);
        Assert.That(RlAlign.Envs.MiniGrid.Conformance.MiniGridTraceReplayer.EncodeGrid(env), Is.Not.EqualTo(trace.ResetGrid), "seed 7 lays out another level");

        env.OverlayRecordedState(Array.ConvertAll(trace.ResetGrid, v => (byte)v), trace.Reset.AgentPosition, trace.Reset.AgentDirection, null,
            trace.Reset.StepCount, env.Generator!.State with { State = trace.Reset.Rng.State });
        Assert.That(RlAlign.Envs.MiniGrid.Conformance.MiniGridTraceReplayer.EncodeGrid(env), Is.EqualTo(trace.ResetGrid));
        foreach (var step in trace.Steps)
        {
            StepResult result = env.Step([step.Action], observation);
            Assert.That((env.AgentPosition, env.AgentDirection, result.Reward, result.Terminated), Is.EqualTo((step.AgentPosition, step.AgentDirection, step.Reward, step.Terminated)), $"step {step.StepCount}");
            Assert.That(observation.AsSpan(env.ImageOffset, 147).ToArray().Select(v => (int)v), Is.EqualTo(step.Image), $"image at step {step.StepCount}");
        }
        Assert.That(RlAlign.Envs.MiniGrid.Conformance.MiniGridTraceReplayer.EncodeGrid(env), Is.EqualTo(trace.FinalGrid));
    }

    [Test]
    public void DecodingACellGivesMinigridsObject()
    {
        var lockedRedDoor = (RlAlign.Envs.MiniGrid.Door)RlAlign.Envs.MiniGrid.WorldObject.Decode(new(4, 0, 2))!;
        Assert.That((lockedRedDoor.IsLocked, lockedRedDoor.IsOpen, lockedRedDoor.Color), Is.EqualTo((true, false, RlAlign.Envs.MiniGrid.ObjectColor.Red)));
        Assert.That(RlAlign.Envs.MiniGrid.WorldObject.Decode(new(1, 0, 0)), Is.Null);
        Assert.That(RlAlign.Envs.MiniGrid.WorldObject.Decode(new(7, 4, 0))!.Encode(), Is.EqualTo(new RlAlign.Envs.MiniGrid.CellEncoding(7, 4, 0)));
        Assert.That(() => RlAlign.Envs.MiniGrid.WorldObject.Decode(new(11, 0, 0)), Throws.ArgumentException.With.Message.Contains("names no Minigrid object"));
        Assert.That(() => RlAlign.Envs.MiniGrid.WorldObject.Decode(new(5, 9, 0)), Throws.ArgumentException.With.Message.Contains("colour index 9"));
    }

    [Test]
    public void UncoveredTraceIds()
    {
        IReadOnlyList<(string File, string EnvId)> index;
        try { index = Index(); }
        catch (IgnoreException e)
        {
            Assert.Ignore(e.Message);
            return;
        }
        string[] uncovered = index.Select(t => t.EnvId).Distinct()
            .Where(id => !Core.Envs.Registry.TryGet(id, out _)).Order(StringComparer.Ordinal).ToArray();
        // The gap stays visible in the test log until every traced id is ported.
        TestContext.Out.WriteLine(uncovered.Length == 0
            ? "Every traced MiniGrid id is ported."
            : $"Traced MiniGrid ids not ported yet ({uncovered.Length}): {string.Join(", ", uncovered)}");
        Assert.That(index, Is.Not.Empty);
    }
}
