using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Vector;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Vector;

/// <summary>Stepping must allocate nothing: the rollout loop runs millions of steps.</summary>
[NonParallelizable]
public class VectorAllocationTests
{
    private const int NumEnvs = 8;
    private const int Steps = 10_000;

    private static IEnv MakeEnv(int index) => new ThreadAllocationProbe(
        new NormalizeReward(new NormalizeObservation(new RecordEpisodeStatistics(new TimeLimit(new RandomWalkEnv((ulong)index), 25)))));

    [Test]
    public void SyncStepAllocatesNothing()
    {
        using var vector = new SyncVectorEnv(MakeEnv, NumEnvs);
        float[] actions = Warm(vector);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < Steps; t++) vector.Step(actions);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void ThreadedStepAllocatesNothingOnTheCallerOrTheWorkers()
    {
        using var vector = new ThreadedVectorEnv(MakeEnv, NumEnvs, workerCount: 4);
        float[] actions = Warm(vector);
        ThreadAllocationProbe[] probes = Enumerable.Range(0, NumEnvs).Select(i => (ThreadAllocationProbe)vector.GetEnv(i)).ToArray();

        foreach (ThreadAllocationProbe probe in probes) probe.StartMeasuring();
        long callerBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < Steps; t++) vector.Step(actions);
        long callerAllocated = GC.GetAllocatedBytesForCurrentThread() - callerBefore;

        Assert.That(callerAllocated, Is.Zero, $"caller thread: {callerAllocated} bytes");
        // Each probe sees its worker thread's whole loop between two of its steps: signalling, dispatch and the other envs of its slice.
        Assert.That(probes.Select(p => p.AllocatedSinceStart), Is.All.Zero, "worker threads");
    }

    private static float[] Warm(IVectorEnv vector)
    {
        var actions = new float[NumEnvs];
        for (int i = 0; i < NumEnvs; i++) actions[i] = i % 3;
        vector.Reset(seed: 1);
        for (int t = 0; t < 2000; t++) vector.Step(actions);
        return actions;
    }

    /// <summary>Reads the allocation counter of the thread that steps it, at every step.</summary>
    private sealed class ThreadAllocationProbe(IEnv env) : Wrapper(env)
    {
        private long _firstReading = -1;
        private long _lastReading;
        private bool _measuring;

        public long AllocatedSinceStart => _lastReading - _firstReading;

        /// <summary>Called between steps, while the workers wait; the next step takes the first reading.</summary>
        public void StartMeasuring() => _measuring = true;

        public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            long reading = GC.GetAllocatedBytesForCurrentThread();
            if (_measuring && _firstReading < 0) _firstReading = reading;
            _lastReading = reading;
            return base.Step(action, observation);
        }
    }
}
