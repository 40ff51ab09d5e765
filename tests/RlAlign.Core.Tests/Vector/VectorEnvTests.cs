using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Vector;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Vector;

/// <summary>Behaviour every vector env must share, run against both dispatch modes.</summary>
[TestFixture(VectorMode.Sync)]
[TestFixture(VectorMode.Threaded)]
public class VectorEnvTests(VectorMode mode)
{
    internal static VectorEnv Create(VectorMode mode, Func<int, IEnv> makeEnv, int numEnvs) => mode == VectorMode.Sync
        ? new SyncVectorEnv(makeEnv, numEnvs)
        : new ThreadedVectorEnv(makeEnv, numEnvs, workerCount: 3);

    [Test]
    public void SeededResetGivesEnvIItsSeedPlusI()
    {
        using VectorEnv vector = Create(mode, _ => new CounterEnv(), 5);
        vector.Reset(seed: 10);
        for (int i = 0; i < 5; i++) Assert.That(Counter(vector, i).LastResetSeed, Is.EqualTo(10UL + (ulong)i));
        vector.Reset();
        for (int i = 0; i < 5; i++) Assert.That(Counter(vector, i).LastResetSeed, Is.Null);
    }

    [Test]
    public void AnEndedEpisodeKeepsItsFinalObservationAndIsResetInTheSameStep()
    {
        // Env i terminates after i + 2 steps.
        using VectorEnv vector = Create(mode, i => new CounterEnv(episodeLength: i + 2), 4);
        vector.Reset(seed: 0);
        float[] actions = [0.1f, 0.2f, 0.3f, 0.4f];

        for (int t = 1; t <= 7; t++)
        {
            vector.Step(actions);
            for (int i = 0; i < 4; i++)
            {
                int length = i + 2, stepInEpisode = (t - 1) % length + 1, episode = (t - 1) / length + 1;
                bool ends = stepInEpisode == length;
                Assert.That(vector.Terminations[i], Is.EqualTo(ends), $"step {t}, env {i}");
                Assert.That(vector.Truncations[i], Is.False);
                Assert.That(vector.Rewards[i], Is.EqualTo(stepInEpisode), $"reward at step {t}, env {i}");
                float[] observation = Slice(vector.Observations, i);
                if (ends)
                {
                    Assert.That(Slice(vector.FinalObservations, i), Is.EqualTo(new[] { length, episode, actions[i] }), $"final observation at step {t}, env {i}");
                    Assert.That(observation, Is.EqualTo(new[] { 0f, episode + 1, actions[i] }), $"first observation of the next episode at step {t}, env {i}");
                }
                else
                {
                    Assert.That(observation, Is.EqualTo(new[] { stepInEpisode, episode, actions[i] }), $"observation at step {t}, env {i}");
                }
            }
        }
    }

    [Test]
    public void TruncationByATimeLimitIsReportedAndAutoresetToo()
    {
        using VectorEnv vector = Create(mode, _ => new TimeLimit(new CounterEnv(episodeLength: 100), 3), 2);
        vector.Reset();
        vector.Step([0f, 0f]);
        vector.Step([0f, 0f]);
        vector.Step([0f, 0f]);
        Assert.That(vector.Truncations, Is.All.True);
        Assert.That(vector.Terminations, Is.All.False);
        Assert.That(Slice(vector.FinalObservations, 1)[0], Is.EqualTo(3f));
        Assert.That(Slice(vector.Observations, 1)[0], Is.Zero);
        Assert.That(((TimeLimit)vector.GetEnv(1)).ElapsedSteps, Is.Zero);
    }

    [Test]
    public void AFailingEnvSurfacesWithItsIndex()
    {
        using VectorEnv vector = Create(mode, i => new CounterEnv(episodeLength: 10) { ThrowAtStep = i == 5 ? 2 : null }, 8);
        vector.Reset();
        vector.Step(new float[8]);

        var e = Assert.Throws<VectorEnvException>(() => vector.Step(new float[8]));

        Assert.That(e!.EnvIndex, Is.EqualTo(5));
        Assert.That(e.Operation, Is.EqualTo(VectorOperation.Step));
        Assert.That(e.InnerException, Is.InstanceOf<InvalidOperationException>());
        Assert.That(e.Message, Does.Contain("Env 5"));
    }

    [Test]
    public void WhenSeveralEnvsFailTheLowestIndexIsReported()
    {
        using VectorEnv vector = Create(mode, i => new CounterEnv { ThrowAtStep = i is 2 or 6 ? 1 : null }, 8);
        vector.Reset();
        Assert.That(Assert.Throws<VectorEnvException>(() => vector.Step(new float[8]))!.EnvIndex, Is.EqualTo(2));
        Counter(vector, 2).ThrowAtStep = null;
        Counter(vector, 6).ThrowAtStep = null;
        vector.Reset();
        Assert.DoesNotThrow(() => vector.Step(new float[8]), "the vector env stays usable after a reset");
    }

    [Test]
    public void WrongNumberOfActionsIsRejected()
    {
        using VectorEnv vector = Create(mode, _ => new CounterEnv(), 3);
        vector.Reset();
        Assert.That(Assert.Throws<ArgumentException>(() => vector.Step(new float[2]))!.Message, Does.Contain("3"));
    }

    [Test]
    public void DisposeDisposesTheEnvsAndStopsStepping()
    {
        VectorEnv vector = Create(mode, _ => new CounterEnv(), 4);
        vector.Reset();
        vector.Step(new float[4]);
        vector.Dispose();
        for (int i = 0; i < 4; i++) Assert.That(Counter(vector, i).Disposed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => vector.Step(new float[4]));
        Assert.DoesNotThrow(vector.Dispose);
    }

    [Test]
    public void SnapshotRestoresEveryEnvAndTheBuffersMidEpisode()
    {
        using VectorEnv original = Create(mode, MakeWalk, 6);
        original.Reset(seed: 5);
        var actions = new float[6];
        for (int t = 0; t < 77; t++) StepWith(original, actions, t);
        byte[] snapshot = original.Snapshot();
        float[] observationsAtSnapshot = (float[])original.Observations.Clone();
        List<Trace> expected = Enumerable.Range(77, 200).Select(t => StepWith(original, actions, t)).ToList();

        using VectorEnv restored = Create(mode, MakeWalk, 6);
        restored.Reset(seed: 999);
        restored.Restore(snapshot);
        Assert.That(restored.Observations, Is.EqualTo(observationsAtSnapshot));
        for (int k = 0; k < expected.Count; k++) expected[k].AssertSame(StepWith(restored, actions, 77 + k), 77 + k);
    }

    [Test]
    public void SnapshotOfADifferentSizeIsRejected()
    {
        using VectorEnv small = Create(mode, _ => new CounterEnv(), 2);
        using VectorEnv large = Create(mode, _ => new CounterEnv(), 3);
        small.Reset();
        Assert.Throws<InvalidDataException>(() => large.Restore(small.Snapshot()));
    }

    internal static IEnv MakeWalk(int index) => new NormalizeObservation(new RecordEpisodeStatistics(new TimeLimit(new RandomWalkEnv(initialSeed: (ulong)index), 30)));

    /// <summary>A deterministic but varied action for env i at step t.</summary>
    internal static Trace StepWith(IVectorEnv vector, float[] actions, int t)
    {
        for (int i = 0; i < actions.Length; i++) actions[i] = (t * 5 + i * 3 + t / 7) % 3;
        vector.Step(actions);
        return Trace.Of(vector);
    }

    private static CounterEnv Counter(IVectorEnv vector, int index) => (CounterEnv)vector.GetEnv(index).Unwrapped;

    private static float[] Slice(float[] buffer, int index) => buffer.AsSpan(index * CounterEnv.ObservationSize, CounterEnv.ObservationSize).ToArray();
}

/// <summary>Everything a vector env reported after one step, with final observations kept only where an episode ended.</summary>
internal sealed record Trace(float[] Observations, double[] Rewards, bool[] Terminations, bool[] Truncations, float[] FinalObservations)
{
    public static Trace Of(IVectorEnv vector)
    {
        var final = new float[vector.FinalObservations.Length];
        for (int i = 0; i < vector.NumEnvs; i++)
        {
            if (!vector.Terminations[i] && !vector.Truncations[i]) continue;
            vector.FinalObservations.AsSpan(i * vector.ObservationSize, vector.ObservationSize).CopyTo(final.AsSpan(i * vector.ObservationSize));
        }
        return new Trace((float[])vector.Observations.Clone(), (double[])vector.Rewards.Clone(), (bool[])vector.Terminations.Clone(), (bool[])vector.Truncations.Clone(), final);
    }

    public void AssertSame(Trace other, int step)
    {
        Assert.That(other.Observations, Is.EqualTo(Observations), $"observations at step {step}");
        Assert.That(other.Rewards, Is.EqualTo(Rewards), $"rewards at step {step}");
        Assert.That(other.Terminations, Is.EqualTo(Terminations), $"terminations at step {step}");
        Assert.That(other.Truncations, Is.EqualTo(Truncations), $"truncations at step {step}");
        Assert.That(other.FinalObservations, Is.EqualTo(FinalObservations), $"final observations at step {step}");
    }
}
