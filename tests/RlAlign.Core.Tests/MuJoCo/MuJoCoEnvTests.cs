using System.Text.Json;
using NUnit.Framework;
using RlAlign.Core.Random;
using RlAlign.Envs.MuJoCo;

namespace RlAlign.Core.Tests.MuJoCo;

[TestFixture]
public sealed class MuJoCoEnvTests
{
    private static readonly string[] Ids = MuJoCoTestSupport.Ids;

    [TestCaseSource(nameof(Ids))]
    public void NaNActionThrowsAndLeavesTheStateAlone(string id)
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed: 1);
        double[] before = env.Data.Qpos.ToArray();
        var action = new float[env.ActionSpace.FlatSize];
        action[^1] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => env.Step(action, observation))!;

        Assert.That(error.Message, Does.Contain(id).And.Contain("NaN"));
        Assert.That(env.Data.Qpos.ToArray(), Is.EqualTo(before));
    }

    [TestCaseSource(nameof(Ids))]
    public void WrongLengthActionThrows(string id)
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => env.Step(new float[env.ActionSpace.FlatSize + 1], observation))!;
        Assert.That(error.Message, Does.Contain($"expects {env.ActionSpace.FlatSize}"));
    }

    [Test]
    public void StepBeforeResetThrows()
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped("Hopper-v5");
        Assert.Throws<InvalidOperationException>(() => env.Step(new float[3], new float[11]));
    }

    [TestCaseSource(nameof(Ids))]
    public void ResetIsSeededDeterministic(string id)
    {
        using MuJoCoEnv first = MuJoCoTestSupport.MakeUnwrapped(id);
        using MuJoCoEnv second = MuJoCoTestSupport.MakeUnwrapped(id);
        var a = new float[first.ObservationSpace.FlatSize];
        var b = new float[a.Length];
        var c = new float[a.Length];

        first.Reset(a, seed: 42);
        second.Reset(b, seed: 42);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(second.Data.Qvel.ToArray(), Is.EqualTo(first.Data.Qvel.ToArray()));

        second.Reset(c, seed: 43);
        Assert.That(c, Is.Not.EqualTo(a));
    }

    private static readonly Lazy<JsonDocument> ResetNoise = new(() => TestData.Load("mujoco_reset_noise.json"));

    /// <summary>
    /// <c>Reset(seed)</c> gives exactly the qpos/qvel of Gymnasium's <c>reset_model</c> with NumPy
    /// (Data/mujoco_reset_noise.json, drawn by Data/numpy_vectors.py with Debian numpy): qpos noise first, then qvel,
    /// uniform or normal as the task draws it, and the generator left where NumPy's is.
    /// </summary>
    [TestCaseSource(nameof(Ids))]
    public void ResetGivesGymnasiumsStateForTheSeed(string id)
    {
        var task = ResetNoise.Value.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped(id);
        double[] initQpos = env.Model.Qpos0.ToArray();
        var observation = new float[env.ObservationSpace.FlatSize];
        foreach (var reset in task.GetProperty("resets").EnumerateArray())
        {
            ulong seed = reset.GetProperty("seed").GetUInt64();
            var noise = reset.GetProperty("qpos_noise").EnumerateArray().ToArray();
            var value = reset.GetProperty("qpos_value").EnumerateArray().ToArray();
            double[] expectedQpos = new double[initQpos.Length];
            for (int i = 0; i < expectedQpos.Length; i++)
            {
                expectedQpos[i] = value[i].ValueKind != JsonValueKind.Null ? TestData.Double(value[i])
                    : noise[i].ValueKind != JsonValueKind.Null ? initQpos[i] + TestData.Double(noise[i])
                    : initQpos[i];
            }
            double[] expectedQvel = [.. reset.GetProperty("qvel").EnumerateArray().Select(TestData.Double)];

            env.Reset(observation, seed: seed);

            double[] qpos = env.Data.Qpos.ToArray();
            if (env.Model.Nq != env.Model.Nv)
            {
                // A free-joint root (Ant, Humanoid): the env writes the perturbed quaternion qpos[3:7] unnormalized, as
                // Gymnasium does, and MuJoCo 2.2.2's mj_forward then normalizes it in place (by its own rounding).
                double norm = Math.Sqrt(expectedQpos[3..7].Sum(q => q * q));
                for (int i = 3; i < 7; i++)
                {
                    Assert.That(qpos[i], Is.EqualTo(expectedQpos[i] / norm).Within(1e-15), $"qpos[{i}] (root quaternion), seed {seed}");
                    qpos[i] = expectedQpos[i];
                }
            }
            Assert.That(qpos, Is.EqualTo(expectedQpos), $"qpos, seed {seed}");
            Assert.That(env.Data.Qvel.ToArray(), Is.EqualTo(expectedQvel), $"qvel, seed {seed}");
            var state = reset.GetProperty("state_after");
            Assert.That(env.Generator!.State.State.ToString("x32"), Is.EqualTo(state.GetProperty("state").GetString()![2..]), $"generator after reset, seed {seed}");
        }
    }

    [Test]
    public void InvertedPendulumResetDrawsQposThenQvelAsGymnasium()
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped("InvertedPendulum-v5");
        var observation = new float[4];
        env.Reset(observation, seed: 7);

        NumpyGenerator random = NumpyGenerator.FromSeed(7);
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) expected[i] = random.Uniform(-0.01, 0.01); // qpos0 is zero here
        Assert.That(env.Data.Qpos.ToArray(), Is.EqualTo(expected[..2]));
        Assert.That(env.Data.Qvel.ToArray(), Is.EqualTo(expected[2..]));
    }

    [Test]
    public void ReacherResetPlacesTheGoalInsideTheDisk()
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped("Reacher-v5");
        var observation = new float[10];
        for (ulong seed = 0; seed < 20; seed++)
        {
            env.Reset(observation, seed: seed);
            double gx = env.Data.Qpos[2], gy = env.Data.Qpos[3];
            Assert.That(Math.Sqrt(gx * gx + gy * gy), Is.LessThan(0.2));
            Assert.That(env.Data.Qvel[2], Is.Zero);
            Assert.That(env.Data.Qvel[3], Is.Zero);
            Assert.That(observation[4], Is.EqualTo((float)gx));
        }
    }

    [TestCaseSource(nameof(Ids))]
    public void SnapshotRestoreGivesIdenticalTrajectories(string id)
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        var random = new System.Random(3);
        env.Reset(observation, seed: 5);
        for (int i = 0; i < 10; i++)
        {
            MuJoCoTestSupport.RandomAction(random, env, action);
            if (env.Step(action, observation).Terminated) env.Reset(observation);
        }
        byte[] snapshot = env.Snapshot();
        int actionSeed = random.Next();

        (float[] Observations, double[] Rewards) Run()
        {
            var actions = new System.Random(actionSeed);
            var observations = new List<float>();
            var rewards = new List<double>();
            for (int i = 0; i < 30; i++)
            {
                MuJoCoTestSupport.RandomAction(actions, env, action);
                StepResult result = env.Step(action, observation);
                observations.AddRange(observation);
                rewards.Add(result.Reward);
                // Resetting without a seed draws from the saved generator, so it is part of what must repeat.
                if (result.Terminated) env.Reset(observation);
            }
            return (observations.ToArray(), rewards.ToArray());
        }

        var original = Run();
        env.Restore(snapshot);
        var replay = Run();

        Assert.That(replay.Observations, Is.EqualTo(original.Observations));
        Assert.That(replay.Rewards, Is.EqualTo(original.Rewards));
    }

    [TestCaseSource(nameof(Ids))]
    public void SnapshotRestoredIntoAFreshEnvContinuesIdentically(string id)
    {
        using MuJoCoEnv original = MuJoCoTestSupport.MakeUnwrapped(id);
        using MuJoCoEnv copy = MuJoCoTestSupport.MakeUnwrapped(id);
        var a = new float[original.ObservationSpace.FlatSize];
        var b = new float[a.Length];
        var action = new float[original.ActionSpace.FlatSize];
        var random = new System.Random(9);
        original.Reset(a, seed: 8);
        copy.Reset(b, seed: 1234); // a different episode, to be overwritten
        for (int i = 0; i < 5; i++)
        {
            MuJoCoTestSupport.RandomAction(random, original, action);
            if (original.Step(action, a).Terminated) original.Reset(a);
        }
        copy.Restore(original.Snapshot());

        for (int i = 0; i < 20; i++)
        {
            MuJoCoTestSupport.RandomAction(random, original, action);
            StepResult first = original.Step(action, a);
            StepResult second = copy.Step(action, b);
            Assert.That(b, Is.EqualTo(a), $"step {i}");
            Assert.That(second, Is.EqualTo(first), $"step {i}");
            if (first.Terminated)
            {
                original.Reset(a);
                copy.Reset(b);
                Assert.That(b, Is.EqualTo(a), "reset after termination draws from the restored generator");
            }
        }
    }

    [TestCaseSource(nameof(Ids))]
    public void StepAllocatesNothing(string id)
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        var random = new System.Random(1);
        env.Reset(observation, seed: 1);
        for (int i = 0; i < 50; i++) env.Step(action, observation); // JIT and tiering first

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            action[0] = (float)(random.NextDouble() * 0.2 - 0.1);
            env.Step(action, observation);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void InvertedPendulumPaysOneUntilThePoleLeavesTheBand()
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped("InvertedPendulum-v5");
        var observation = new float[4];
        env.Reset(observation, seed: 0);
        StepResult upright = env.Step([0f], observation);
        Assert.That(upright, Is.EqualTo(new StepResult(1, false, false)));
        Assert.That(observation[1], Is.EqualTo((float)env.Data.Qpos[1]));

        env.Data.Qpos[1] = 0.5; // well past 0.2 rad; one step cannot bring it back
        StepResult fallen = env.Step([0f], observation);
        Assert.That(Math.Abs(env.Data.Qpos[1]), Is.GreaterThan(0.2));
        Assert.That(fallen, Is.EqualTo(new StepResult(0, true, false)));
    }

    [Test]
    public void InvertedDoublePendulumRewardFromTheTipSite()
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped("InvertedDoublePendulum-v5");
        var observation = new float[9];
        env.Reset(observation, seed: 0);
        StepResult result = env.Step([0.3f], observation);

        double x = env.Data.SiteXpos[0], z = env.Data.SiteXpos[2];
        double w1 = env.Data.Qvel[1], w2 = env.Data.Qvel[2];
        double expected = 10 - (0.01 * x * x + (z - 2) * (z - 2)) - (1e-3 * w1 * w1 + 5e-3 * w2 * w2);
        Assert.That(result.Terminated, Is.False);
        Assert.That(result.Reward, Is.EqualTo(expected).Within(1e-12));
        Assert.That(observation[1], Is.EqualTo((float)Math.Sin(env.Data.Qpos[1])));
        Assert.That(observation[4], Is.EqualTo((float)Math.Cos(env.Data.Qpos[2])));
        Assert.That(observation[8], Is.EqualTo((float)Math.Clamp(env.Data.QfrcConstraint[0], -10, 10)));

        // Fold the poles down: the tip drops below z = 1 and the alive bonus goes.
        env.Data.Qpos[1] = 2.0;
        StepResult fallen = env.Step([0f], observation);
        z = env.Data.SiteXpos[2];
        Assert.That(z, Is.LessThanOrEqualTo(1));
        Assert.That(fallen.Terminated, Is.True);
        x = env.Data.SiteXpos[0];
        w1 = env.Data.Qvel[1];
        w2 = env.Data.Qvel[2];
        Assert.That(fallen.Reward, Is.EqualTo(-(0.01 * x * x + (z - 2) * (z - 2)) - (1e-3 * w1 * w1 + 5e-3 * w2 * w2)).Within(1e-12));
    }

    [TestCase("HalfCheetah-v5", 0.1, 0.0)]
    [TestCase("Swimmer-v5", 1e-4, 0.0)]
    [TestCase("Hopper-v5", 1e-3, 1.0)]
    [TestCase("Walker2d-v5", 1e-3, 1.0)]
    public void LocomotionRewardIsForwardVelocityPlusHealthyMinusControl(string id, double controlWeight, double healthyReward)
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        for (int i = 0; i < action.Length; i++) action[i] = 0.5f - 0.25f * i;
        env.Reset(observation, seed: 11);

        double xBefore = env.Data.Qpos[0];
        StepResult result = env.Step(action, observation);
        double xVelocity = (env.Data.Qpos[0] - xBefore) / env.Dt;
        double control = 0;
        foreach (float a in action) control += a * a;

        Assert.That(result.Terminated, Is.False);
        Assert.That(result.Reward, Is.EqualTo(xVelocity + healthyReward - controlWeight * control).Within(1e-9));
    }

    [Test]
    public void HopperTerminatesBelowTheHealthyHeightAndStopsPayingHealth()
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped("Hopper-v5");
        var observation = new float[11];
        env.Reset(observation, seed: 0);
        env.Data.Qpos[1] = 0.5; // root z below 0.7 (the foot will be pushed out of the floor, but not that far)
        double xBefore = env.Data.Qpos[0];
        StepResult result = env.Step(new float[3], observation);
        Assert.That(env.Data.Qpos[1], Is.LessThanOrEqualTo(0.7));
        Assert.That(result.Terminated, Is.True);
        Assert.That(result.Reward, Is.EqualTo((env.Data.Qpos[0] - xBefore) / env.Dt).Within(1e-9));
        // Observation: qpos[1:] then clipped qvel.
        Assert.That(observation[0], Is.EqualTo((float)env.Data.Qpos[1]));
        Assert.That(observation[5], Is.EqualTo((float)Math.Clamp(env.Data.Qvel[0], -10, 10)));
    }

    [Test]
    public void HopperAngleOutsideTheBandIsUnhealthy()
    {
        using var env = (HopperEnv)MuJoCoTestSupport.MakeUnwrapped("Hopper-v5");
        var observation = new float[11];
        env.Reset(observation, seed: 0);
        Assert.That(env.IsHealthy, Is.True);
        env.Data.Qpos[2] = 0.25;
        Assert.That(env.IsHealthy, Is.False);
        env.Data.Qpos[2] = 0;
        env.Data.Qvel[3] = 150; // any qvel outside ±100
        Assert.That(env.IsHealthy, Is.False);
    }

    [Test]
    public void Walker2dHealthyBandIsStrictOnBothSides()
    {
        using var env = (Walker2dEnv)MuJoCoTestSupport.MakeUnwrapped("Walker2d-v5");
        var observation = new float[17];
        env.Reset(observation, seed: 0);
        Assert.That(env.IsHealthy, Is.True);
        env.Data.Qpos[1] = 2.0;
        Assert.That(env.IsHealthy, Is.False);
        env.Data.Qpos[1] = 1.25;
        env.Data.Qpos[2] = -1.0;
        Assert.That(env.IsHealthy, Is.False);
    }

    [Test]
    public void ReacherRewardIsNegativeDistanceAndControl()
    {
        using var env = (ReacherEnv)MuJoCoTestSupport.MakeUnwrapped("Reacher-v5");
        var observation = new float[10];
        env.Reset(observation, seed: 4);
        float[] action = [0.4f, -0.7f];
        StepResult result = env.Step(action, observation);

        int tip = env.Model.BodyId("fingertip"), target = env.Model.BodyId("target");
        double dx = env.Data.Xpos[3 * tip] - env.Data.Xpos[3 * target];
        double dy = env.Data.Xpos[3 * tip + 1] - env.Data.Xpos[3 * target + 1];
        double dz = env.Data.Xpos[3 * tip + 2] - env.Data.Xpos[3 * target + 2];
        double expected = -Math.Sqrt(dx * dx + dy * dy + dz * dz) - (0.4f * 0.4f + 0.7f * 0.7f);
        Assert.That(result.Reward, Is.EqualTo(expected).Within(1e-6));
        Assert.That(result.Terminated, Is.False);
        Assert.That(observation[8], Is.EqualTo((float)dx));
        Assert.That(observation[9], Is.EqualTo((float)dy));
        Assert.That(observation[0], Is.EqualTo((float)Math.Cos(env.Data.Qpos[0])));
    }

    [Test]
    public void MakeAddsTheTimeLimit()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        using IEnv env = Core.Envs.Make("Reacher-v5");
        var observation = new float[10];
        env.Reset(observation, seed: 0);
        int steps = 0;
        StepResult result;
        do
        {
            result = env.Step(new float[2], observation);
            steps++;
        }
        while (!result.Done);
        Assert.That((steps, result.Truncated, result.Terminated), Is.EqualTo((50, true, false)));
    }

    [Test]
    public void AntRewardUsesTorsoVelocityControlAndClippedContactForces()
    {
        using var env = (AntEnv)MuJoCoTestSupport.MakeUnwrapped("Ant-v5");
        var observation = new float[105];
        var action = new float[8];
        for (int i = 0; i < action.Length; i++) action[i] = i % 2 == 0 ? 0.6f : -0.3f;
        env.Reset(observation, seed: 2);
        // Let the ant land so that the feet touch the floor and cfrc_ext is non-zero.
        for (int i = 0; i < 20; i++) env.Step(action, observation);

        double xBefore = env.Data.Xpos[3];
        StepResult result = env.Step(action, observation);
        double xVelocity = (env.Data.Xpos[3] - xBefore) / env.Dt;
        double control = 0;
        foreach (float a in action) control += a * a;
        double contact = 0;
        foreach (double f in env.Data.CfrcExt) contact += Math.Pow(Math.Clamp(f, -1, 1), 2);

        Assert.That(contact, Is.GreaterThan(0), "the feet should be on the floor");
        Assert.That(result.Terminated, Is.False);
        Assert.That(result.Reward, Is.EqualTo(xVelocity + 1.0 - 0.5 * control - 5e-4 * contact).Within(1e-6)); // the env sums a² in float32, as NumPy does
        // Observation: qpos[2:], qvel, then clipped cfrc_ext of bodies 1..13.
        Assert.That(observation[0], Is.EqualTo((float)env.Data.Qpos[2]));
        Assert.That(observation[13], Is.EqualTo((float)env.Data.Qvel[0]));
        Assert.That(observation[27], Is.EqualTo((float)Math.Clamp(env.Data.CfrcExt[6], -1, 1)));
        Assert.That(observation[104], Is.EqualTo((float)Math.Clamp(env.Data.CfrcExt[83], -1, 1)));
    }

    [Test]
    public void AntIsUnhealthyOutsideTheInclusiveHeightBand()
    {
        using var env = (AntEnv)MuJoCoTestSupport.MakeUnwrapped("Ant-v5");
        env.Reset(new float[105], seed: 0);
        env.Data.Qpos[2] = 1.0;
        Assert.That(env.IsHealthy, Is.True);
        env.Data.Qpos[2] = 1.0 + 1e-9;
        Assert.That(env.IsHealthy, Is.False);
        env.Data.Qpos[2] = 0.5;
        env.Data.Qvel[4] = double.NaN;
        Assert.That(env.IsHealthy, Is.False);
    }

    [Test]
    public void ModelAndDataViewsExposeMassAndContacts()
    {
        using MuJoCoEnv cheetah = MuJoCoTestSupport.MakeUnwrapped("HalfCheetah-v5");
        double mass = 0;
        foreach (double m in cheetah.Model.BodyMass) mass += m;
        Assert.That(mass, Is.EqualTo(14.0).Within(1e-9)); // settotalmass="14"

        var observation = new float[17];
        cheetah.Reset(observation, seed: 0);
        for (int i = 0; i < 40; i++) cheetah.Step(new float[6], observation);
        Assert.That(cheetah.Data.ContactCount, Is.GreaterThan(0), "a resting cheetah touches the floor");
    }

    [Test]
    public void PusherResetKeepsTheArmAtQpos0AndTheObjectAwayFromTheGoal()
    {
        using var env = (PusherEnv)MuJoCoTestSupport.MakeUnwrapped("Pusher-v5");
        var observation = new float[23];
        for (ulong seed = 0; seed < 10; seed++)
        {
            env.Reset(observation, seed: seed);
            Assert.That(env.Data.Qpos[..7].ToArray(), Is.EqualTo(env.Model.Qpos0[..7].ToArray()));
            double a = env.Data.Qpos[7], b = env.Data.Qpos[8];
            Assert.That(a, Is.InRange(-0.3, 0.0));
            Assert.That(b, Is.InRange(-0.2, 0.2));
            Assert.That(Math.Sqrt(a * a + b * b), Is.GreaterThan(0.17));
            Assert.That(env.Data.Qpos[9..].ToArray(), Is.EqualTo(new[] { 0.0, 0.0 }));
            Assert.That(env.Data.Qvel[7..].ToArray(), Is.All.Zero);
        }

        // The draw order: rejection-sampled object pairs first, then qvel.
        NumpyGenerator random = NumpyGenerator.FromSeed(3);
        double x, y;
        do
        {
            x = random.Uniform(-0.3, 0);
            y = random.Uniform(-0.2, 0.2);
        }
        while (!(Math.Sqrt(x * x + y * y) > 0.17));
        double firstQvel = random.Uniform(-0.005, 0.005);
        env.Reset(observation, seed: 3);
        Assert.That((env.Data.Qpos[7], env.Data.Qpos[8], env.Data.Qvel[0]), Is.EqualTo((x, y, firstQvel)));
    }

    [Test]
    public void PusherRewardFromBodyDistancesAfterTheStep()
    {
        using var env = (PusherEnv)MuJoCoTestSupport.MakeUnwrapped("Pusher-v5");
        var observation = new float[23];
        env.Reset(observation, seed: 6);
        float[] action = [0.5f, -0.5f, 0.25f, 1f, -1f, 0.75f, 2f];
        StepResult result = env.Step(action, observation);

        int tips = env.Model.BodyId("tips_arm"), item = env.Model.BodyId("object"), goal = env.Model.BodyId("goal");
        double Distance(int a, int b)
        {
            double sum = 0;
            for (int k = 0; k < 3; k++) sum += Math.Pow(env.Data.Xpos[3 * a + k] - env.Data.Xpos[3 * b + k], 2);
            return Math.Sqrt(sum);
        }
        double control = 0;
        foreach (float u in action) control += u * u;
        Assert.That(result.Reward, Is.EqualTo(-0.5 * Distance(item, tips) - Distance(item, goal) - 0.1 * control).Within(1e-6));
        Assert.That(result.Terminated, Is.False);
        Assert.That(observation[17], Is.EqualTo((float)env.Data.Xpos[3 * item]));
        Assert.That(observation[22], Is.EqualTo((float)env.Data.Xpos[3 * goal + 2]));
    }

    [Test]
    public void HumanoidRewardFromTheMassCentreControlAndContactCost()
    {
        using var env = (HumanoidEnv)MuJoCoTestSupport.MakeUnwrapped("Humanoid-v5");
        var observation = new float[348];
        var action = new float[17];
        for (int i = 0; i < action.Length; i++) action[i] = 0.3f * MathF.Sin(i);
        env.Reset(observation, seed: 5);
        for (int i = 0; i < 30; i++) env.Step(action, observation); // settle onto the floor (feet in contact)

        double MassCentre()
        {
            double weighted = 0, total = 0;
            for (int b = 0; b < env.Model.Nbody; b++)
            {
                weighted += env.Model.BodyMass[b] * env.Data.Xipos[3 * b];
                total += env.Model.BodyMass[b];
            }
            return weighted / total;
        }
        double before = MassCentre();
        StepResult result = env.Step(action, observation);
        double velocity = (MassCentre() - before) / env.Dt;
        double control = 0;
        foreach (float a in action) control += (double)a * a;
        double contact = 0;
        foreach (double f in env.Data.CfrcExt) contact += f * f;
        double healthy = env.Data.Qpos[2] is > 1.0 and < 2.0 ? 5.0 : 0.0;

        Assert.That(contact, Is.GreaterThan(0));
        Assert.That(result.Terminated, Is.EqualTo(healthy == 0));
        Assert.That(result.Reward, Is.EqualTo(1.25 * velocity + healthy - 0.1 * control - Math.Min(5e-7 * contact, 10)).Within(1e-9));
        // Layout: qpos[2:] (22), qvel (23), cinert (130), cvel (78), qfrc_actuator[6:] (17), cfrc_ext (78).
        Assert.That(observation[22], Is.EqualTo((float)env.Data.Qvel[0]));
        Assert.That(observation[45], Is.EqualTo((float)env.Data.Cinert[10]));
        Assert.That(observation[175], Is.EqualTo((float)env.Data.Cvel[6]));
        Assert.That(observation[253], Is.EqualTo((float)env.Data.QfrcActuator[6]));
        Assert.That(observation[270], Is.EqualTo((float)env.Data.CfrcExt[6]));
        Assert.That(observation[347], Is.EqualTo((float)env.Data.CfrcExt[83]));
    }

    [Test]
    public void HumanoidIsHealthyOnlyStrictlyBetweenOneAndTwoMetres()
    {
        using var env = (HumanoidEnv)MuJoCoTestSupport.MakeUnwrapped("Humanoid-v5");
        env.Reset(new float[348], seed: 0);
        Assert.That(env.IsHealthy, Is.True);
        env.Data.Qpos[2] = 1.0;
        Assert.That(env.IsHealthy, Is.False);
        env.Data.Qpos[2] = 2.0;
        Assert.That(env.IsHealthy, Is.False);
    }
}
