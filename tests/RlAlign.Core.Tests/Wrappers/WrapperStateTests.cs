using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Wrappers;

public class WrapperStateTests
{
    /// <summary>The CleanRL-style chain: statistics of raw rewards, then normalization and clipping.</summary>
    private static IEnv MakeChain() =>
        new TransformReward(
            new NormalizeReward(
                new ClipObservation(
                    new NormalizeObservation(
                        new RecordEpisodeStatistics(new TimeLimit(new RandomWalkEnv(initialSeed: 7), 40))),
                    -10f, 10f),
                gamma: 0.95),
            r => Math.Clamp(r, -10, 10));

    private static float ActionAt(int t) => (t * 7 + t / 3) % 3;

    [Test]
    public void RestoringASnapshotReplaysTheWholeChainExactly()
    {
        using IEnv original = MakeChain();
        original.Reset(seed: 42);
        for (int t = 0; t < 137; t++) Advance(original, t);
        byte[] snapshot = ((IStateful)original).Snapshot();
        List<(float[], double, bool, bool)> expected = Enumerable.Range(137, 300).Select(t => Advance(original, t)).ToList();

        using IEnv restored = MakeChain();
        restored.Reset(seed: 1);
        ((IStateful)restored).Restore(snapshot);
        List<(float[], double, bool, bool)> replayed = Enumerable.Range(137, 300).Select(t => Advance(restored, t)).ToList();

        Assert.That(replayed, Has.Count.EqualTo(expected.Count));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(replayed[i].Item1, Is.EqualTo(expected[i].Item1), $"observation at step {137 + i}");
            Assert.That(replayed[i].Item2, Is.EqualTo(expected[i].Item2), $"reward at step {137 + i}");
            Assert.That((replayed[i].Item3, replayed[i].Item4), Is.EqualTo((expected[i].Item3, expected[i].Item4)), $"flags at step {137 + i}");
        }
        var originalStatistics = original.FindWrapper<RecordEpisodeStatistics>()!;
        var restoredStatistics = restored.FindWrapper<RecordEpisodeStatistics>()!;
        Assert.That(restoredStatistics.EpisodeCount, Is.EqualTo(originalStatistics.EpisodeCount));
        Assert.That(restoredStatistics.LastEpisodeReturn, Is.EqualTo(originalStatistics.LastEpisodeReturn));
    }

    [Test]
    public void AnInnerEnvWithoutStateIsNamed()
    {
        using var env = new TimeLimit(ScriptedEnv.OfRewards([1]), 5);
        Assert.That(env.CanSaveState, Is.False);
        Assert.That(new RecordEpisodeStatistics(new CounterEnv()).CanSaveState, Is.True);
        var e = Assert.Throws<NotSupportedException>(() => env.Snapshot());
        Assert.That(e!.Message, Does.Contain(nameof(ScriptedEnv)));
    }

    [Test]
    public void LoadingIntoADifferentChainFailsClearly()
    {
        using var saved = new TimeLimit(new CounterEnv(), 5);
        saved.Reset();
        using var other = new RecordEpisodeStatistics(new CounterEnv());
        var e = Assert.Throws<InvalidDataException>(() => other.Restore(saved.Snapshot()));
        Assert.That(e!.Message, Does.Contain("TimeLimit").And.Contain("RecordEpisodeStatistics"));
    }

    [Test]
    public void SteppingTheChainAllocatesNothing()
    {
        using IEnv env = MakeChain();
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[1];
        env.Reset(observation, seed: 3);
        for (int t = 0; t < 100; t++) StepOrReset(env, action, observation, t);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 10_000; t++) StepOrReset(env, action, observation, t);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
    }

    private static void StepOrReset(IEnv env, float[] action, float[] observation, int t)
    {
        action[0] = ActionAt(t);
        if (env.Step(action, observation).Done) env.Reset(observation);
    }

    private static (float[] Observation, double Reward, bool Terminated, bool Truncated) Advance(IEnv env, int t)
    {
        var step = env.Step([ActionAt(t)]);
        if (step.Terminated || step.Truncated) env.Reset();
        return step;
    }
}
