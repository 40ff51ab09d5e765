using RlAlign.Core.Tests.TestEnvs;
using NUnit.Framework;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.Conformance;

namespace RlAlign.Core.Tests.MiniGrid;

[TestFixture]
public sealed class MiniGridEnvTests
{
    private static IEnumerable<string> MiniGridIds() => Core.Envs.Ids.Where(id => id.StartsWith("MiniGrid-", StringComparison.Ordinal));

    private static MiniGridEnv Make(string id, EnvOptions? options = null) => (MiniGridEnv)Core.Envs.Make(id, options);

    [Test]
    public void RegistersFaramaIdsWithoutTimeLimit()
    {
        string[] ids = MiniGridIds().ToArray();
        Assert.That(ids, Does.Contain("MiniGrid-Empty-5x5-v0").And.Contain("MiniGrid-DoorKey-16x16-v0")
            .And.Contain("MiniGrid-KeyCorridorS6R3-v0").And.Contain("MiniGrid-MemoryS17Random-v0"));
        foreach (string id in ids)
        {
            Assert.That(Core.Envs.Spec(id).MaxEpisodeSteps, Is.Null, id);
            using IEnv env = Core.Envs.Make(id);
            Assert.That(env, Is.InstanceOf<MiniGridEnv>(), id);
        }
    }

    [TestCaseSource(nameof(MiniGridIds))]
    public void ResetsAndStepsWithinSpaces(string id)
    {
        using MiniGridEnv env = Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var actions = NumpyGenerator.FromSeed(7);
        for (ulong seed = 0; seed < 5; seed++)
        {
            env.Reset(observation, seed);
            Assert.That(env.ObservationSpace.Contains(observation), Is.True, $"{id} seed {seed}: reset observation");
            var text = (Text)((DictSpace)env.ObservationSpace)["mission"];
            Assert.That(text.Decode(observation.AsSpan(env.MissionOffset)), Is.EqualTo(env.Mission));
            for (int t = 0; t < 50; t++)
            {
                StepResult result = env.Step([actions.Integers(0, 7)], observation);
                Assert.That(env.ObservationSpace.Contains(observation), Is.True, $"{id} seed {seed} step {t}");
                if (result.Done) break;
            }
        }
    }

    [Test]
    public void ObservationIsDictInSortedKeyOrder()
    {
        using MiniGridEnv env = Make("MiniGrid-Empty-5x5-v0");
        Assert.That((env.DirectionOffset, env.ImageOffset, env.MissionOffset), Is.EqualTo((0, 1, 1 + 7 * 7 * 3)));
        Assert.That(env.ActionSpace, Is.InstanceOf<Discrete>());
        Assert.That(((Discrete)env.ActionSpace).N, Is.EqualTo(7));
        using MiniGridEnv dynamic = Make("MiniGrid-Dynamic-Obstacles-5x5-v0");
        Assert.That(((Discrete)dynamic.ActionSpace).N, Is.EqualTo(3));
    }

    [TestCaseSource(nameof(MiniGridIds))]
    public void RestoredSnapshotContinuesExactlyAsTheOriginal(string id)
    {
        using MiniGridEnv env = Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, 3);
        var actions = NumpyGenerator.FromSeed(11);
        for (int t = 0; t < 15; t++) env.Step([actions.Integers(0, 7)], observation);

        byte[] snapshot = env.Snapshot();
        float[] continuation = [.. Enumerable.Range(0, 40).Select(_ => (float)actions.Integers(0, 7))];
        List<(float[] Observation, StepResult Result, Pcg64State Rng)> Run()
        {
            var steps = new List<(float[], StepResult, Pcg64State)>();
            foreach (float action in continuation)
            {
                StepResult result = env.Step([action], observation);
                steps.Add(((float[])observation.Clone(), result, env.Generator!.State));
            }
            return steps;
        }

        var original = Run();
        int[] finalGrid = MiniGridTraceReplayer.EncodeGrid(env);
        env.Restore(snapshot);
        var replay = Run();
        for (int t = 0; t < original.Count; t++)
        {
            Assert.That(replay[t].Observation, Is.EqualTo(original[t].Observation), $"step {t}: observation");
            Assert.That(replay[t].Result, Is.EqualTo(original[t].Result), $"step {t}: result");
            Assert.That(replay[t].Rng, Is.EqualTo(original[t].Rng), $"step {t}: rng");
        }
        Assert.That(MiniGridTraceReplayer.EncodeGrid(env), Is.EqualTo(finalGrid));

        // A snapshot also restores into a fresh env of the same id.
        using MiniGridEnv other = Make(id);
        other.Restore(snapshot);
        Assert.That(other.Snapshot(), Is.EqualTo(snapshot));
    }

    [TestCaseSource(nameof(MiniGridIds))]
    public void StepAllocatesNothing(string id)
    {
        using MiniGridEnv env = Make(id);
        // The first steps JIT-compile and warm up; count from then on.
        Assert.That(StepAllocations.Measure(env, steps: 2800, warmUpSteps: 200), Is.Zero);
    }

    [Test]
    public void UnknownVariantSuggestsNearestIds()
    {
        var error = Assert.Throws<UnknownEnvException>(() => Core.Envs.Make("MiniGrid-DoorKey-7x7-v0"))!;
        Assert.That(error.Suggestions, Is.Not.Empty);
        Assert.That(error.Suggestions, Has.All.StartWith("MiniGrid-DoorKey-"));
        Assert.That(error.Message, Does.Contain("MiniGrid-DoorKey-"));
    }

    [Test]
    public void RejectsBadOptionsAndActions()
    {
        Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-Empty-8x8-v0", new EnvOptions { ["agent_view_size"] = 4 }));
        Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-Empty-8x8-v0", new EnvOptions { ["agent_viev_size"] = 5 }));
        Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-DoorKey-5x5-v0", new EnvOptions { ["size"] = 4 }));
        Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-LavaGapS5-v0", new EnvOptions { ["size"] = 4 }));
        Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-LavaCrossingS9N1-v0", new EnvOptions { ["size"] = 10 }));
        Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-MemoryS7-v0", new EnvOptions { ["size"] = 8 }));
        Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-PutNear-8x8-N3-v0", new EnvOptions { ["numObjs"] = 19 }));
        Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-GoToDoor-5x5-v0", new EnvOptions { ["size"] = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Core.Envs.Make("MiniGrid-Empty-5x5-v0", new EnvOptions { ["max_steps"] = 0 }));
        using MiniGridEnv env = Make("MiniGrid-Empty-8x8-v0", new EnvOptions { ["agent_view_size"] = 5 });
        var observation = new float[env.ObservationSpace.FlatSize];
        Assert.That(env.ImageOffset + 5 * 5 * 3, Is.EqualTo(env.MissionOffset));
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], observation));
        env.Reset(observation, 0);
        Assert.Throws<ArgumentException>(() => env.Step([7f], observation));
        Assert.Throws<ArgumentException>(() => env.Step([1.5f], observation));
    }

    [Test]
    public void TerminationAndTruncationCanHappenTogether()
    {
        // GoToDoor ends the episode on any toggle; with max_steps = 1 that step also truncates.
        using MiniGridEnv env = Make("MiniGrid-GoToDoor-8x8-v0", new EnvOptions { ["max_steps"] = 1 });
        Assert.That(env.MaxSteps, Is.EqualTo(1));
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, 4);
        StepResult result = env.Step([(float)MiniGridAction.Toggle], observation);
        Assert.That((result.Terminated, result.Truncated, result.Reward), Is.EqualTo((true, true, 0.0)));
    }

    [Test]
    public void SuccessRewardAndTruncationFollowMinigrid()
    {
        // Empty-5x5: agent at (1, 1) facing right, goal at (3, 3).
        using MiniGridEnv env = Make("MiniGrid-Empty-5x5-v0");
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, 0);
        int[] path = [2, 2, 1, 2];
        StepResult result = default;
        foreach (int action in path) result = env.Step([action], observation);
        Assert.That(env.AgentPosition, Is.EqualTo((3, 2)));
        result = env.Step([2f], observation);
        Assert.That(result.Terminated, Is.True);
        Assert.That(result.Reward, Is.EqualTo(1.0 - 0.9 * (5.0 / 100)));

        env.Reset(observation, 0);
        for (int t = 1; t <= 100; t++)
        {
            result = env.Step([0f], observation);
            Assert.That(result.Truncated, Is.EqualTo(t == 100), $"step {t}");
        }
    }
}
