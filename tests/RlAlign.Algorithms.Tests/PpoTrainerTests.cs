using System.Diagnostics;
using RlAlign.Core;
using RlAlign.Core.Spaces;
using RlAlign.Core.Vector;
using RlAlign.Policies;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests;

public sealed class PpoTrainerTests
{
    private static IEnumerable<TestCaseData> DiscreteAndContinuous()
    {
        yield return new TestCaseData(TestConfigs.SmallCartPole(iterations: 4)).SetArgDisplayNames("CartPole");
        yield return new TestCaseData(TestConfigs.SmallPendulum(iterations: 4)).SetArgDisplayNames("Pendulum");
    }

    [TestCaseSource(nameof(DiscreteAndContinuous))]
    public void TheFirstMinibatchOfEveryIterationHasRatioOneAndZeroApproxKl(PpoConfig config)
    {
        var firstMinibatches = new List<MinibatchStats>();
        using var trainer = new PpoTrainer(config);
        trainer.MinibatchCompleted += stats =>
        {
            if (stats.Epoch == 0 && stats.Minibatch == 0) firstMinibatches.Add(stats);
        };

        trainer.Train();

        Assert.That(firstMinibatches, Has.Count.EqualTo(4));
        foreach (MinibatchStats stats in firstMinibatches)
        {
            Assert.That(stats.MaxRatioDeviation, Is.LessThan(1e-6), $"iteration {stats.Iteration}: max |ratio - 1|");
            Assert.That(stats.ApproxKl, Is.EqualTo(0).Within(1e-7), $"iteration {stats.Iteration}: approx_kl");
            Assert.That(stats.ClipFraction, Is.Zero);
        }
    }

    [Test]
    public void TheSameSeedGivesBitwiseIdenticalTrainingWhateverTheManagedHeapLooksLike()
    {
        // Guards against feeding libtorch kernels tensors in pinned managed memory, whose alignment (and so rounding) varies.
        PpoConfig config = TestConfigs.SmallCartPole(iterations: 4);
        using var first = new PpoTrainer(config);
        first.Train();
        var ballast = Enumerable.Range(0, 101).Select(i => new byte[i * 3 + 1]).ToList();
        GC.Collect();
        using var second = new PpoTrainer(config);
        second.Train();

        Assert.That(TensorAssert.ParameterBytes(second.Policy), Is.EqualTo(TensorAssert.ParameterBytes(first.Policy)));
        Assert.That(second.Rollout.Advantages, Is.EqualTo(first.Rollout.Advantages));
        GC.KeepAlive(ballast);
    }

    [Test]
    public void ReportsCleanRlMetricsEveryIterationAndEpisodesAsTheyEnd()
    {
        var sink = new RecordingSink();
        var episodes = new List<EpisodeStats>();
        var iterations = new List<IterationStats>();
        PpoConfig config = TestConfigs.SmallCartPole(iterations: 3, numSteps: 64);
        using var trainer = new PpoTrainer(config, metrics: sink);
        trainer.EpisodeCompleted += episodes.Add;
        trainer.IterationCompleted += iterations.Add;

        trainer.Train();

        string[] perIteration =
        [
            MetricNames.LearningRate, MetricNames.ValueLoss, MetricNames.PolicyLoss, MetricNames.Entropy, MetricNames.OldApproxKl,
            MetricNames.ApproxKl, MetricNames.ClipFraction, MetricNames.ExplainedVariance, MetricNames.StepsPerSecond,
        ];
        foreach (string name in perIteration)
            Assert.That(sink.Values(name), Has.Count.EqualTo(3), name);
        Assert.That(episodes, Is.Not.Empty, "random CartPole episodes last ~20 steps");
        Assert.That(sink.Values(MetricNames.EpisodicReturn), Is.EqualTo(episodes.Select(e => e.Return)));
        Assert.That(sink.Values(MetricNames.EpisodicLength), Is.EqualTo(episodes.Select(e => (double)e.Length)));
        Assert.That(episodes.All(e => e.Return == e.Length), Is.True, "CartPole pays 1 per step");
        Assert.That(iterations.Select(i => i.Iteration), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(iterations.Select(i => i.GlobalStep), Is.EqualTo(new long[] { 128, 256, 384 }));
        Assert.That(iterations.Sum(i => i.EpisodesCompleted), Is.EqualTo(episodes.Count));
        Assert.That(trainer.GlobalStep, Is.EqualTo(384));
        Assert.That(trainer.IsFinished, Is.True);
        Assert.That(sink.Entries.Select(e => e.Value).Where(v => !double.IsFinite(v)), Is.Empty);
    }

    [Test]
    public void LearningRateAnnealsLinearlyToZero()
    {
        var sink = new RecordingSink();
        using var trainer = new PpoTrainer(TestConfigs.SmallCartPole(iterations: 4) with { LearningRate = 1e-3 }, metrics: sink);

        trainer.Train();

        Assert.That(sink.Values(MetricNames.LearningRate), Is.EqualTo(new[] { 1e-3, 0.75e-3, 0.5e-3, 0.25e-3 }).Within(1e-12));
    }

    [Test]
    public void ConstantLearningRateWithoutAnnealing()
    {
        var sink = new RecordingSink();
        using var trainer = new PpoTrainer(TestConfigs.SmallCartPole(iterations: 2) with { AnnealLr = false }, metrics: sink);

        trainer.Train();

        Assert.That(sink.Values(MetricNames.LearningRate), Is.All.EqualTo(2.5e-4));
    }

    [Test]
    public void TargetKlStopsTheEpochsEarly()
    {
        using var trainer = new PpoTrainer(TestConfigs.SmallCartPole(iterations: 2) with { UpdateEpochs = 5, TargetKl = 1e-12, LearningRate = 1e-2 });

        IterationStats first = trainer.RunIteration();

        Assert.That(first.EpochsRun, Is.EqualTo(1));
    }

    [Test]
    public void ContinuousActionsAreStoredUnclippedAndClippedOnlyForTheEnv()
    {
        using var trainer = new PpoTrainer(TestConfigs.SmallPendulum(iterations: 1));

        trainer.RunIteration();

        float[] actions = TensorAssert.ToArray(trainer.Rollout.Actions);
        Assert.That(actions.Max(Math.Abs), Is.GreaterThan(2f), "with std 1, some of 128 samples fall outside Pendulum's [-2, 2]");
        Assert.That(trainer.Rollout.Rewards, Is.All.InRange(-10f, 10f), "reward clipping");
        Assert.That(TensorAssert.ToArray(trainer.Rollout.Observations), Is.All.InRange(-10f, 10f), "observation clipping");
    }

    [Test]
    public void TruncationBootstrapStoresTheValueOfEveryTruncatedFinalObservation()
    {
        PpoConfig config = TestConfigs.SmallCartPole(iterations: 1) with { BootstrapOnTruncation = true };
        // A 5-step time limit truncates CartPole episodes long before the pole can fall.
        using IVectorEnv envs = PpoEnvs.MakeVectorEnv(config, new EnvOptions { ["max_episode_steps"] = 5 });
        using var trainer = new PpoTrainer(config, envs);

        trainer.RunIteration();

        int bootstrapped = trainer.Rollout.TruncatedFinalValues.Count(v => v != 0);
        int truncatedSteps = trainer.Rollout.Dones.Count(d => d == 1);
        Assert.That(bootstrapped, Is.GreaterThan(0));
        Assert.That(bootstrapped, Is.InRange(truncatedSteps, truncatedSteps + config.NumEnvs), "one bootstrap value per truncation (the last may carry into next_done)");
    }

    [Test]
    public void RewardScaleMultipliesTheRewardsPpoLearnsFromButNotTheReportedReturns()
    {
        PpoConfig config = TestConfigs.SmallCartPole(iterations: 1);
        using var plain = new PpoTrainer(config);
        using var scaled = new PpoTrainer(config with { RewardScale = 20 });
        var plainReturns = new List<double>();
        var scaledReturns = new List<double>();
        plain.EpisodeCompleted += e => plainReturns.Add(e.Return);
        scaled.EpisodeCompleted += e => scaledReturns.Add(e.Return);

        plain.RunIteration();
        scaled.RunIteration();

        // Same seed, same weights, same actions: only the rewards the rollout stores differ (CartPole pays 1 a step).
        Assert.That(plain.Rollout.Rewards, Is.All.EqualTo(1f));
        Assert.That(scaled.Rollout.Rewards, Is.All.EqualTo(20f));
        Assert.That(plainReturns, Is.Not.Empty);
        Assert.That(scaledReturns, Is.EqualTo(plainReturns), "reported episode returns are the env's own");
        Assert.That(Assert.Throws<ArgumentException>(() => (config with { RewardScale = 0 }).Validate())!.Message, Does.Contain("reward_scale must be a finite number > 0, got 0"));
    }

    [Test]
    public void CriticWarmupTrainsOnlyTheValueHeadForItsIterations()
    {
        PpoConfig config = TestConfigs.SmallCartPole(iterations: 2) with { CriticWarmupIterations = 1 };
        using var trainer = new PpoTrainer(config);
        Dictionary<string, byte[]> initial = TensorAssert.ParameterBytes(trainer.Policy);

        trainer.RunIteration();
        Dictionary<string, byte[]> warmedUp = TensorAssert.ParameterBytes(trainer.Policy);
        trainer.RunIteration();
        Dictionary<string, byte[]> trained = TensorAssert.ParameterBytes(trainer.Policy);

        foreach ((string name, byte[] bytes) in initial)
        {
            bool critic = name.StartsWith(PpoPolicy.CriticPrefix, StringComparison.Ordinal);
            if (critic) Assert.That(warmedUp[name], Is.Not.EqualTo(bytes), $"{name} trains during the warm-up");
            else Assert.That(warmedUp[name], Is.EqualTo(bytes), $"{name} stays during the warm-up");
            if (!critic) Assert.That(trained[name], Is.Not.EqualTo(bytes), $"{name} trains after the warm-up");
        }
        Assert.That(Assert.Throws<ArgumentException>(() => (config with { CriticWarmupIterations = -1 }).Validate())!.Message, Does.Contain("critic_warmup_iterations must be >= 0, got -1"));
    }

    [Test]
    public void NaNRewardsStopTrainingWithNonFiniteLossExceptionAndLeaveTheLastCheckpointIntact()
    {
        string directory = Directory.CreateTempSubdirectory("rlalign-nan").FullName;
        try
        {
            PpoConfig config = TestConfigs.SmallCartPole(iterations: 4);
            // 2 envs x 32 steps per iteration: env steps 33+ (the second iteration) report NaN rewards.
            using IVectorEnv envs = TestConfigs.MakeEnvs(config, env => new NanRewardAfter(env, nanFromStep: 33));
            using var trainer = new PpoTrainer(config, envs);
            trainer.RunIteration();
            string checkpoint = Path.Combine(directory, "latest.ckpt");
            trainer.SaveCheckpoint(checkpoint);
            byte[] saved = File.ReadAllBytes(checkpoint);

            var error = Assert.Throws<NonFiniteLossException>(() => trainer.RunIteration())!;

            Assert.That(error.Quantity, Does.StartWith("losses/"));
            Assert.That(error.Iteration, Is.EqualTo(2));
            Assert.That(error.Message, Does.Contain(error.Quantity).And.Contain("iteration 2"));
            Assert.That(trainer.Policy.parameters().All(p => !p.isnan().any().item<bool>()), Is.True, "the bad step was not applied");
            Assert.That(File.ReadAllBytes(checkpoint), Is.EqualTo(saved));
            Assert.That(Directory.GetFiles(directory), Has.Length.EqualTo(1));
            using IVectorEnv restoredEnvs = TestConfigs.MakeEnvs(config, env => new NanRewardAfter(env, nanFromStep: 33));
            using var restored = new PpoTrainer(config, restoredEnvs);
            Assert.DoesNotThrow(() => restored.LoadCheckpoint(checkpoint));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void AHugeLearningRateIsCaughtBeforeTheOptimizerSteps()
    {
        using var trainer = new PpoTrainer(TestConfigs.SmallCartPole(iterations: 2) with { AnnealLr = false, LearningRate = 1e30 });

        // Adam's first step moves every weight by ~lr whatever the gradient, so the next value loss overflows float32.
        Assert.Throws<NonFiniteLossException>(() => trainer.Train());
    }

    [Test]
    public void RejectsAPolicyForOtherSpaces()
    {
        using ActorCritic policy = ActorCritic.Create(new Box(-1f, 1f, [3]), new Discrete(2));

        Assert.That(() => new PpoTrainer(TestConfigs.SmallCartPole(), policy: policy),
            Throws.ArgumentException.With.Message.Contains("3 observation"));
    }

    [Test]
    public void DeviceSettingResolvesAutoToTheCpuWithoutCudaAndRejectsCudaClearly()
    {
        Assume.That(cuda.is_available(), Is.False, "this machine has CUDA");

        Assert.That(TorchDevices.Resolve("auto").type, Is.EqualTo(TorchSharp.DeviceType.CPU));
        Assert.That(TorchDevices.Resolve("cpu").type, Is.EqualTo(TorchSharp.DeviceType.CPU));
        Assert.That(() => TorchDevices.Resolve("cuda"), Throws.InvalidOperationException.With.Message.Contains("CUDA is not available"));
    }

    [Test]
    public void CancellationStopsBetweenIterations()
    {
        using var trainer = new PpoTrainer(TestConfigs.SmallCartPole(iterations: 10));
        using var cancellation = new CancellationTokenSource();
        trainer.IterationCompleted += stats =>
        {
            if (stats.Iteration == 2) cancellation.Cancel();
        };

        Assert.Throws<OperationCanceledException>(() => trainer.Train(cancellation.Token));
        Assert.That(trainer.Iteration, Is.EqualTo(2));
    }

    [Test]
    public void PpoLearnsCartPole()
    {
        // ~41k steps of CleanRL's defaults: random play lasts ~20 steps; PPO should be well past 100 by the end.
        var returns = new List<double>();
        var stopwatch = Stopwatch.StartNew();
        using var trainer = new PpoTrainer(new PpoConfig { TotalTimesteps = 80 * 512 });
        trainer.EpisodeCompleted += episode => returns.Add(episode.Return);

        trainer.Train();

        double first = returns.Take(10).Average(), last = returns.TakeLast(10).Average();
        TestContext.Out.WriteLine($"CartPole: first-10 mean {first:F1}, last-10 mean {last:F1}, {returns.Count} episodes, {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.That(last, Is.GreaterThan(100));
        Assert.That(last, Is.GreaterThan(3 * first));
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)));
    }
}
