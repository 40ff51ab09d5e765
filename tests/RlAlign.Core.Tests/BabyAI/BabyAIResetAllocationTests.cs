using NUnit.Framework;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.BabyAI;

namespace RlAlign.Core.Tests.BabyAI;

/// <summary>
/// What a BabyAI reset allocates: a mission seen before is the same string again, and a reset allocates only its
/// new objects and instruction tree (the mission, clause validation and distractor bookkeeping allocate nothing).
/// </summary>
[TestFixture]
public sealed class BabyAIResetAllocationTests
{
    [Test]
    public void KindNamesAreMinigridsLowerCaseNames()
    {
        foreach (ObjectType type in Enum.GetValues<ObjectType>())
            Assert.That(type.Name(), Is.EqualTo(type.ToString().ToLowerInvariant()));
    }

    [TestCase("BabyAI-GoToLocal-v0")]
    [TestCase("BabyAI-BossLevel-v0")]
    public void AMissionSeenBeforeIsTheSameStringAndReadsAsTheInstruction(string id)
    {
        using var env = (RoomGridLevel)Core.Envs.Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, 3);
        string first = env.Mission;
        Assert.That(first, Is.EqualTo(env.Instructions.Surface(env)));
        env.Reset(observation, 4);
        env.Reset(observation, 3);
        Assert.That(env.Mission, Is.SameAs(first));
    }

    [TestCase("BabyAI-GoToLocal-v0", 1000)]
    [TestCase("BabyAI-PutNextLocal-v0", 1700)]
    public void ResetsAllocateOnlyTheirObjectsAndInstruction(string id, int maxBytesPerReset)
    {
        using var env = (RoomGridLevel)Core.Envs.Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        const int resets = 200;
        // The first pass JIT-compiles and meets every mission once; the measured pass regenerates the same levels.
        for (ulong seed = 0; seed < resets; seed++) env.Reset(observation, seed);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (ulong seed = 0; seed < resets; seed++) env.Reset(observation, seed);
        double perReset = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)resets;
        // Before missions were reused and the bookkeeping lists removed: ~1,370 (GoToLocal) and ~2,200 (PutNextLocal) bytes.
        Assert.That(perReset, Is.LessThan(maxBytesPerReset), $"{id}: {perReset:F0} bytes per reset");
    }
}
