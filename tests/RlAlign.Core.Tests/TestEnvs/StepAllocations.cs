using RlAlign.Core.Random;

namespace RlAlign.Core.Tests.TestEnvs;

/// <summary>Measures what an env's steps allocate over seeded random episodes (resets, which may allocate, are not counted).</summary>
public static class StepAllocations
{
    /// <summary>
    /// Managed bytes allocated by <see cref="IEnv.Step"/> over <paramref name="steps"/> steps of MiniGrid-style
    /// actions 0..6, after <paramref name="warmUpSteps"/> uncounted ones (JIT compilation, first-use caches).
    /// </summary>
    public static long Measure(IEnv env, int steps, int warmUpSteps)
    {
        var observation = new float[env.ObservationSpace.FlatSize];
        float[] action = new float[1];
        var actions = NumpyGenerator.FromSeed(5);
        ulong seed = 0;
        env.Reset(observation, seed++);
        long allocated = 0;
        for (int t = 0; t < warmUpSteps + steps; t++)
        {
            action[0] = actions.Integers(0, 7);
            long before = GC.GetAllocatedBytesForCurrentThread();
            StepResult result = env.Step(action, observation);
            long after = GC.GetAllocatedBytesForCurrentThread();
            if (t >= warmUpSteps) allocated += after - before;
            if (result.Done) env.Reset(observation, seed++);
        }
        return allocated;
    }
}
