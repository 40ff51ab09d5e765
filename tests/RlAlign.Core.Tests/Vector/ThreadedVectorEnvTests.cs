using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Vector;

namespace RlAlign.Core.Tests.Vector;

public class ThreadedVectorEnvTests
{
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(8)]
    public void GivesExactlyWhatSyncGivesForTheSameSeed(int workerCount)
    {
        const int numEnvs = 8;
        using var sync = new SyncVectorEnv(VectorEnvTests.MakeWalk, numEnvs);
        using var threaded = new ThreadedVectorEnv(VectorEnvTests.MakeWalk, numEnvs, workerCount);
        sync.Reset(seed: 123);
        threaded.Reset(seed: 123);
        Assert.That(threaded.Observations, Is.EqualTo(sync.Observations));

        var syncActions = new float[numEnvs];
        var threadedActions = new float[numEnvs];
        int episodesEnded = 0;
        for (int t = 0; t < 3000; t++)
        {
            Trace expected = VectorEnvTests.StepWith(sync, syncActions, t);
            VectorEnvTests.StepWith(threaded, threadedActions, t);
            // Compare in place (no copies) on most steps, and through a full trace now and then.
            if (t % 100 == 0) expected.AssertSame(Trace.Of(threaded), t);
            else if (!threaded.Observations.AsSpan().SequenceEqual(sync.Observations) || !threaded.Rewards.AsSpan().SequenceEqual(sync.Rewards))
                expected.AssertSame(Trace.Of(threaded), t);
            foreach (bool done in sync.Truncations) episodesEnded += done ? 1 : 0;
            foreach (bool done in sync.Terminations) episodesEnded += done ? 1 : 0;
        }
        Assert.That(episodesEnded, Is.GreaterThan(100), "the run should cross many autoresets");
    }

    [Test]
    public void DefaultWorkerCountIsTheSmallerOfEnvsAndProcessors()
    {
        using var few = new ThreadedVectorEnv(_ => new CounterEnv(), 2);
        Assert.That(few.WorkerCount, Is.EqualTo(Math.Min(2, Environment.ProcessorCount)));
        using var many = new ThreadedVectorEnv(_ => new CounterEnv(), 4 * Environment.ProcessorCount);
        Assert.That(many.WorkerCount, Is.EqualTo(Environment.ProcessorCount));
        using var capped = new ThreadedVectorEnv(_ => new CounterEnv(), 3, workerCount: 10);
        Assert.That(capped.WorkerCount, Is.EqualTo(3));
    }

    [Test]
    public void BadWorkerCountFailsBeforeAnyEnvIsMade()
    {
        int made = 0;
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ThreadedVectorEnv(_ => { made++; return new CounterEnv(); }, 4, workerCount: 0));
        Assert.That(made, Is.Zero);
    }

    [Test]
    public void EnvsAreSteppedOnTheirWorkersNotTheCaller()
    {
        using var vector = new ThreadedVectorEnv(_ => new ThreadRecordingEnv(), 4, workerCount: 2);
        vector.Reset();
        vector.Step(new float[4]);
        int[] threads = Enumerable.Range(0, 4).Select(i => ((ThreadRecordingEnv)vector.GetEnv(i)).StepThread).ToArray();
        Assert.That(threads, Has.None.EqualTo(Environment.CurrentManagedThreadId));
        Assert.That(threads[0], Is.EqualTo(threads[1]));
        Assert.That(threads[2], Is.EqualTo(threads[3]));
        Assert.That(threads[0], Is.Not.EqualTo(threads[2]));
    }

    private sealed class ThreadRecordingEnv : Core.Wrappers.Wrapper
    {
        public ThreadRecordingEnv() : base(new CounterEnv()) { }

        public int StepThread { get; private set; }

        public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            StepThread = Environment.CurrentManagedThreadId;
            return base.Step(action, observation);
        }
    }
}
