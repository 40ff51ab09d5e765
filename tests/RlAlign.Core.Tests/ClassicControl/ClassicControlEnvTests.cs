using NUnit.Framework;
using RlAlign.Core.Spaces;
using RlAlign.Envs.Classic;

namespace RlAlign.Core.Tests.ClassicControl;

/// <summary>Behaviour of the classic control envs beyond the recorded traces: registry, checks, options, snapshots, speed, rendering.</summary>
[TestFixture]
public sealed class ClassicControlEnvTests
{
    private static readonly string[] AllIds = [CartPoleEnv.Id, AcrobotEnv.Id, MountainCarEnv.Id, MountainCarContinuousEnv.Id, PendulumEnv.Id];

    [TestCase(CartPoleEnv.Id, 500, 475.0)]
    [TestCase(AcrobotEnv.Id, 500, -100.0)]
    [TestCase(MountainCarEnv.Id, 200, -110.0)]
    [TestCase(MountainCarContinuousEnv.Id, 999, 90.0)]
    [TestCase(PendulumEnv.Id, 200, null)]
    public void RegisteredWithGymnasiumsTimeLimitAndRewardThreshold(string id, int maxEpisodeSteps, double? rewardThreshold)
    {
        EnvSpec spec = Envs.Spec(id);
        Assert.That(spec.MaxEpisodeSteps, Is.EqualTo(maxEpisodeSteps));
        Assert.That(spec.RewardThreshold, Is.EqualTo(rewardThreshold));
        using IEnv env = Envs.Make(id);
        Assert.That(env.FindWrapper<Core.Wrappers.TimeLimit>()?.MaxEpisodeSteps, Is.EqualTo(maxEpisodeSteps));
    }

    [TestCase(CartPoleEnv.Id, "Discrete(2)", "Box([-4.8, -3.4028235E+38, -0.41887903, -3.4028235E+38], [4.8, 3.4028235E+38, 0.41887903, 3.4028235E+38], (4,), float32)")]
    [TestCase(AcrobotEnv.Id, "Discrete(3)", "Box([-1, -1, -1, -1, -12.566371, -28.274334], [1, 1, 1, 1, 12.566371, 28.274334], (6,), float32)")]
    [TestCase(MountainCarEnv.Id, "Discrete(3)", "Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)")]
    [TestCase(MountainCarContinuousEnv.Id, "Box(-1, 1, (1,), float32)", "Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)")]
    [TestCase(PendulumEnv.Id, "Box(-2, 2, (1,), float32)", "Box([-1, -1, -8], [1, 1, 8], (3,), float32)")]
    public void SpacesHaveGymnasiumsBounds(string id, string actionSpace, string observationSpace)
    {
        using IEnv env = Envs.Make(id);
        Assert.That(env.ActionSpace.ToString(), Is.EqualTo(actionSpace));
        Assert.That(env.ObservationSpace.ToString(), Is.EqualTo(observationSpace));
    }

    [TestCase(CartPoleEnv.Id, 2f, "Discrete(2)")]
    [TestCase(CartPoleEnv.Id, -1f, "Discrete(2)")]
    [TestCase(CartPoleEnv.Id, 0.5f, "Discrete(2)")]
    [TestCase(AcrobotEnv.Id, 3f, "Discrete(3)")]
    [TestCase(MountainCarEnv.Id, 7f, "Discrete(3)")]
    public void DiscreteActionOutsideTheSpaceIsRejectedClearly(string id, float action, string space)
    {
        using IEnv env = Envs.Make(id);
        env.Reset(seed: 0);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => env.Step([action]));

        Assert.That(error!.Message, Does.Contain(id).And.Contain($"[{action}]").And.Contain(space));
    }

    [Test]
    public void ActionOfTheWrongLengthIsRejected()
    {
        using IEnv env = Envs.Make(CartPoleEnv.Id);
        env.Reset(seed: 0);
        Assert.Throws<ArgumentException>(() => env.Step([0f, 1f]));
        using IEnv pendulum = Envs.Make(PendulumEnv.Id);
        pendulum.Reset(seed: 0);
        Assert.Throws<ArgumentException>(() => pendulum.Step(ReadOnlySpan<float>.Empty));
    }

    [TestCase(MountainCarContinuousEnv.Id, float.NaN)]
    [TestCase(MountainCarContinuousEnv.Id, float.PositiveInfinity)]
    [TestCase(PendulumEnv.Id, float.NaN)]
    [TestCase(PendulumEnv.Id, float.NegativeInfinity)]
    public void NonFiniteContinuousActionIsRejected(string id, float action)
    {
        using IEnv env = Envs.Make(id);
        env.Reset(seed: 0);

        var error = Assert.Throws<ArgumentException>(() => env.Step([action]));

        Assert.That(error!.Message, Does.Contain(id).And.Contain(action.ToString()));
    }

    [Test]
    public void StepBeforeResetThrows()
    {
        using IEnv env = Envs.Make(CartPoleEnv.Id);
        Assert.Throws<InvalidOperationException>(() => env.Step(0));
    }

    [Test]
    public void PendulumClipsTorqueForDynamicsAndReward()
    {
        var clipped = new PendulumEnv();
        var outOfRange = new PendulumEnv();
        clipped.SetState([0.3, -0.2]);
        outOfRange.SetState([0.3, -0.2]);

        var (clippedObservation, clippedReward, _, _) = clipped.Step([2f]);
        var (observation, reward, _, _) = outOfRange.Step([5f]);

        Assert.That(observation, Is.EqualTo(clippedObservation));
        Assert.That(reward, Is.EqualTo(clippedReward));
    }

    [Test]
    public void MountainCarContinuousClipsForceButChargesTheUnclippedAction()
    {
        var clipped = new MountainCarContinuousEnv();
        var outOfRange = new MountainCarContinuousEnv();
        clipped.SetState([-0.5, 0.0]);
        outOfRange.SetState([-0.5, 0.0]);

        var (clippedObservation, clippedReward, _, _) = clipped.Step([1f]);
        var (observation, reward, _, _) = outOfRange.Step([2.5f]);

        Assert.That(observation, Is.EqualTo(clippedObservation));
        Assert.That(clippedReward, Is.EqualTo(-0.1).Within(1e-12));
        Assert.That(reward, Is.EqualTo(-0.625).Within(1e-12));
    }

    [Test]
    public void CartPoleKeepsCountingStepsBeyondTermination()
    {
        var env = new CartPoleEnv();
        env.SetState([0.0, 0.0, 0.5, 0.0]);

        var (_, firstReward, firstTerminated, _) = env.Step(1);
        var (_, secondReward, secondTerminated, _) = env.Step(1);

        Assert.That((firstReward, firstTerminated), Is.EqualTo((1.0, true)), "the terminating step still pays +1");
        Assert.That((secondReward, secondTerminated), Is.EqualTo((0.0, true)), "steps past termination pay 0");
        Assert.That(env.StepsBeyondTerminated, Is.EqualTo(1));
        env.Reset(seed: 0);
        Assert.That(env.StepsBeyondTerminated, Is.Null);
    }

    [Test]
    public void CartPoleSuttonBartoRewardOption()
    {
        using IEnv env = Envs.Make(CartPoleEnv.Id, new EnvOptions { ["sutton_barto_reward"] = true });
        ((ClassicControlEnv)env.Unwrapped).SetState([0.0, 0.0, 0.2, 0.0]);

        var (_, reward, terminated, _) = env.Step(0);
        Assert.That((reward, terminated), Is.EqualTo((0.0, false)));
        ((ClassicControlEnv)env.Unwrapped).SetState([0.0, 0.0, 0.5, 0.0]);
        (_, reward, terminated, _) = env.Step(0);
        Assert.That((reward, terminated), Is.EqualTo((-1.0, true)));
    }

    [Test]
    public void ConstructorOptionsAreRead()
    {
        using IEnv pendulum = Envs.Make(PendulumEnv.Id, new EnvOptions { ["g"] = 9.81 });
        using IEnv mountainCar = Envs.Make(MountainCarEnv.Id, new EnvOptions { ["goal_velocity"] = 0.01 });
        using IEnv continuous = Envs.Make(MountainCarContinuousEnv.Id, new EnvOptions { ["goal_velocity"] = "0.02" });

        Assert.That(((PendulumEnv)pendulum.Unwrapped).Gravity, Is.EqualTo(9.81));
        Assert.That(((MountainCarEnv)mountainCar.Unwrapped).GoalVelocity, Is.EqualTo(0.01));
        Assert.That(((MountainCarContinuousEnv)continuous.Unwrapped).GoalVelocity, Is.EqualTo(0.02));
    }

    [Test]
    public void MisspeltConstructorOptionIsReported()
    {
        var error = Assert.Throws<ArgumentException>(() => Envs.Make(CartPoleEnv.Id, new EnvOptions { ["sutton_barto_rewrd"] = true }));
        Assert.That(error!.Message, Does.Contain("sutton_barto_rewrd"));
    }

    [Test]
    public void GoalVelocityGatesMountainCarTermination()
    {
        var env = new MountainCarEnv(new EnvOptions { ["goal_velocity"] = 0.05 });
        env.SetState([0.55, 0.01]);
        Assert.That(env.Step(2).Terminated, Is.False, "at the goal but slower than goal_velocity");
    }

    [Test]
    public void CartPoleResetBoundsOptionMatchesGymnasiumsDocstring()
    {
        // From CartPoleEnv's docstring: env.reset(seed=123, options={"low": 0, "high": 1}).
        using IEnv env = Envs.Make(CartPoleEnv.Id);

        float[] observation = env.Reset(seed: 123, new EnvOptions { ["low"] = 0, ["high"] = 1 });

        Assert.That(observation, Is.EqualTo(new[] { 0.6823519f, 0.05382102f, 0.22035988f, 0.18437181f }).Within(1e-7));
    }

    [TestCase(CartPoleEnv.Id, 4)]
    [TestCase(AcrobotEnv.Id, 4)]
    [TestCase(MountainCarEnv.Id, 1)]
    [TestCase(MountainCarContinuousEnv.Id, 1)]
    public void ResetBoundsOptionsAreHonouredAndChecked(string id, int drawnElements)
    {
        using IEnv env = Envs.Make(id);
        var physics = (ClassicControlEnv)env.Unwrapped;

        env.Reset(seed: 1, new EnvOptions { ["low"] = 0.25, ["high"] = "0.3" });

        Assert.That(physics.State.Take(drawnElements), Is.All.InRange(0.25, 0.3));
        Assert.Throws<ArgumentException>(() => env.Reset(seed: 1, new EnvOptions { ["low"] = 1, ["high"] = 0 }));
    }

    [Test]
    public void PendulumResetBoundsOptions()
    {
        using IEnv env = Envs.Make(PendulumEnv.Id);
        var physics = (PendulumEnv)env.Unwrapped;

        env.Reset(seed: 1, new EnvOptions { ["x_init"] = 0.1, ["y_init"] = 0.2 });

        Assert.That(Math.Abs(physics.State[0]), Is.LessThanOrEqualTo(0.1));
        Assert.That(Math.Abs(physics.State[1]), Is.LessThanOrEqualTo(0.2));
    }

    [Test]
    public void PendulumAngleNormalizeUsesFlooredModulo()
    {
        Assert.That(PendulumEnv.AngleNormalize(0.5), Is.EqualTo(0.5).Within(1e-15));
        Assert.That(PendulumEnv.AngleNormalize(-0.5), Is.EqualTo(-0.5).Within(1e-15));
        Assert.That(PendulumEnv.AngleNormalize(2 * Math.PI + 0.25), Is.EqualTo(0.25).Within(1e-12));
        Assert.That(PendulumEnv.AngleNormalize(-3 * Math.PI - 0.25), Is.EqualTo(Math.PI - 0.25).Within(1e-12));
    }

    [Test]
    public void SameSeedSameEpisode([ValueSource(nameof(AllIds))] string id)
    {
        using IEnv first = Envs.Make(id);
        using IEnv second = Envs.Make(id);
        Assert.That(second.Reset(seed: 42), Is.EqualTo(first.Reset(seed: 42)));
        Assert.That(second.Reset(), Is.EqualTo(first.Reset()), "an unseeded reset continues the seeded generator");
    }

    [Test]
    public void SnapshotRestoresPhysicsGeneratorAndCounters([ValueSource(nameof(AllIds))] string id)
    {
        using IEnv made = Envs.Make(id);
        IEnv env = made.Unwrapped;
        var stateful = (IStateful)env;
        float[] actions = SampleActions(env.ActionSpace, 60, seed: 5);
        int actionSize = env.ActionSpace.FlatSize;
        env.Reset(seed: 3);
        Run(env, actions.AsSpan(0, 10 * actionSize), actionSize);

        byte[] snapshot = stateful.Snapshot();
        List<float[]> original = Run(env, actions.AsSpan(10 * actionSize), actionSize);
        stateful.Restore(snapshot);
        List<float[]> restored = Run(env, actions.AsSpan(10 * actionSize), actionSize);
        using IEnv fresh = Envs.Make(id);
        ((IStateful)fresh.Unwrapped).Restore(snapshot);
        List<float[]> restoredElsewhere = Run(fresh.Unwrapped, actions.AsSpan(10 * actionSize), actionSize);

        Assert.That(restored, Is.EqualTo(original));
        Assert.That(restoredElsewhere, Is.EqualTo(original));
    }

    [Test]
    public void StepAllocatesNothing([ValueSource(nameof(AllIds))] string id)
    {
        const int steps = 10_000;
        using IEnv env = Envs.Make(id);
        int actionSize = env.ActionSpace.FlatSize;
        float[] actions = SampleActions(env.ActionSpace, steps, seed: 9);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed: 0);
        StepMany(env, actions, actionSize, observation); // warm-up: JIT and tiering

        long before = GC.GetAllocatedBytesForCurrentThread();
        StepMany(env, actions, actionSize, observation);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero, $"{id}: {steps} steps allocated {allocated} bytes");
    }

    [TestCase(CartPoleEnv.Id, 600, 400)]
    [TestCase(AcrobotEnv.Id, 500, 500)]
    [TestCase(MountainCarEnv.Id, 600, 400)]
    [TestCase(MountainCarContinuousEnv.Id, 600, 400)]
    [TestCase(PendulumEnv.Id, 500, 500)]
    public void RenderReturnsAGymnasiumSizedPicture(string id, int width, int height)
    {
        using IEnv env = Envs.Make(id);
        Assert.That(env.Render(), Is.Null, "nothing to draw before reset");
        env.Reset(seed: 0);
        env.Step(SampleActions(env.ActionSpace, 1, seed: 0));

        RenderFrame? frame = env.Render();

        Assert.That(frame, Is.Not.Null);
        Assert.That((frame!.Width, frame.Height), Is.EqualTo((width, height)));
        Assert.That(frame.Rgb, Has.Length.EqualTo(width * height * 3));
        var colours = new HashSet<int>();
        for (int i = 0; i < frame.Rgb.Length; i += 3) colours.Add(frame.Rgb[i] << 16 | frame.Rgb[i + 1] << 8 | frame.Rgb[i + 2]);
        Assert.That(colours, Has.Count.GreaterThan(1));
    }

    private static float[] SampleActions(Space space, int count, ulong seed)
    {
        space.Seed(seed);
        var actions = new float[count * space.FlatSize];
        for (int i = 0; i < count; i++) space.Sample(actions.AsSpan(i * space.FlatSize, space.FlatSize));
        return actions;
    }

    /// <summary>Steps through <paramref name="actions"/>, resetting (unseeded) when an episode ends; returns each observation.</summary>
    private static List<float[]> Run(IEnv env, ReadOnlySpan<float> actions, int actionSize)
    {
        var observations = new List<float[]>();
        var observation = new float[env.ObservationSpace.FlatSize];
        for (int offset = 0; offset < actions.Length; offset += actionSize)
        {
            StepResult result = env.Step(actions.Slice(offset, actionSize), observation);
            observations.Add([.. observation, (float)result.Reward]);
            if (result.Done)
            {
                env.Reset(observation);
                observations.Add([.. observation]);
            }
        }
        return observations;
    }

    private static void StepMany(IEnv env, float[] actions, int actionSize, float[] observation)
    {
        for (int offset = 0; offset < actions.Length; offset += actionSize)
        {
            if (env.Step(actions.AsSpan(offset, actionSize), observation).Done) env.Reset(observation);
        }
    }
}
