using RlAlign.Core;
using RlAlign.Core.Vector;
using RlAlign.Core.Wrappers;
using RlAlign.Policies;

namespace RlAlign.Algorithms.Tests;

public sealed class PpoConfigTests
{
    [Test]
    public void DefaultsAreCleanRlPpoPy()
    {
        var config = new PpoConfig();

        Assert.Multiple(() =>
        {
            Assert.That(config.EnvId, Is.EqualTo("CartPole-v1"));
            Assert.That(config.Seed, Is.EqualTo(1));
            Assert.That(config.TotalTimesteps, Is.EqualTo(500_000));
            Assert.That(config.LearningRate, Is.EqualTo(2.5e-4));
            Assert.That(config.NumEnvs, Is.EqualTo(4));
            Assert.That(config.NumSteps, Is.EqualTo(128));
            Assert.That(config.AnnealLr, Is.True);
            Assert.That(config.Gamma, Is.EqualTo(0.99));
            Assert.That(config.GaeLambda, Is.EqualTo(0.95));
            Assert.That(config.NumMinibatches, Is.EqualTo(4));
            Assert.That(config.UpdateEpochs, Is.EqualTo(4));
            Assert.That(config.NormAdv, Is.True);
            Assert.That(config.ClipCoef, Is.EqualTo(0.2));
            Assert.That(config.ClipVloss, Is.True);
            Assert.That(config.EntCoef, Is.EqualTo(0.01));
            Assert.That(config.VfCoef, Is.EqualTo(0.5));
            Assert.That(config.MaxGradNorm, Is.EqualTo(0.5));
            Assert.That(config.TargetKl, Is.Null);
            Assert.That(config.BootstrapOnTruncation, Is.False);
            Assert.That(config.HiddenSizes, Is.EqualTo(new[] { 64, 64 }));
            Assert.That(config.Activation, Is.EqualTo(Activation.Tanh));
            Assert.That(config.Device, Is.EqualTo("cpu"));
            Assert.That(config.TorchThreads, Is.EqualTo(1));
            Assert.That(config.VectorMode, Is.EqualTo(VectorMode.Sync));
            Assert.That(config.NormalizeObservation || config.NormalizeReward || config.ClipAction, Is.False);
            Assert.That(config.ObsClip, Is.Null);
            Assert.That(config.RewardClip, Is.Null);
            Assert.That(config.BatchSize, Is.EqualTo(512));
            Assert.That(config.MinibatchSize, Is.EqualTo(128));
            Assert.That(config.NumIterations, Is.EqualTo(976));
        });
        Assert.DoesNotThrow(config.Validate);
    }

    [Test]
    public void ContinuousDefaultsAreCleanRlPpoContinuousAction()
    {
        PpoConfig config = PpoConfig.ContinuousDefaults;

        Assert.Multiple(() =>
        {
            Assert.That(config.TotalTimesteps, Is.EqualTo(1_000_000));
            Assert.That(config.LearningRate, Is.EqualTo(3e-4));
            Assert.That(config.NumEnvs, Is.EqualTo(1));
            Assert.That(config.NumSteps, Is.EqualTo(2048));
            Assert.That(config.NumMinibatches, Is.EqualTo(32));
            Assert.That(config.UpdateEpochs, Is.EqualTo(10));
            Assert.That(config.EntCoef, Is.EqualTo(0.0));
            Assert.That(config.NormalizeObservation && config.NormalizeReward && config.ClipAction, Is.True);
            Assert.That(config.ObsClip, Is.EqualTo(10));
            Assert.That(config.RewardClip, Is.EqualTo(10));
            Assert.That(config.MinibatchSize, Is.EqualTo(64));
        });
        Assert.DoesNotThrow(config.Validate);
    }

    [Test]
    public void ValidateNamesAnIndivisibleBatch()
    {
        var config = new PpoConfig { NumEnvs = 3, NumSteps = 10, NumMinibatches = 4 };

        Assert.That(config.Validate, Throws.ArgumentException.With.Message.Contains("not divisible by num_minibatches = 4"));
    }

    [Test]
    public void ValidateListsEveryProblemByItsExperimentFileName()
    {
        var config = new PpoConfig { LearningRate = -1, Gamma = 1.5, Device = "tpu", HiddenSizes = [], TargetKl = 0 };

        var error = Assert.Throws<ArgumentException>(config.Validate)!;

        Assert.That(error.Message, Does.Contain("learning_rate").And.Contain("gamma").And.Contain("device").And.Contain("hidden_sizes").And.Contain("target_kl"));
    }

    [Test]
    public void ValidateRejectsARunShorterThanOneBatch()
    {
        var config = new PpoConfig { TotalTimesteps = 100 };

        Assert.That(config.Validate, Throws.ArgumentException.With.Message.Contains("less than one batch"));
    }

    [Test]
    public void DiscreteWrapperStackIsJustEpisodeStatistics()
    {
        using IEnv env = PpoEnvs.Wrap(Core.Envs.Make("CartPole-v1"), new PpoConfig());

        Assert.That(WrapperChain(env), Is.EqualTo(new[] { nameof(RecordEpisodeStatistics), nameof(TimeLimit) }));
    }

    [Test]
    public void ContinuousWrapperStackFollowsCleanRlOrder()
    {
        using IEnv env = PpoEnvs.Wrap(Core.Envs.Make("Pendulum-v1"), PpoConfig.ContinuousDefaults);

        Assert.That(WrapperChain(env), Is.EqualTo(new[]
        {
            nameof(ClipReward), nameof(NormalizeReward), nameof(ClipObservation), nameof(NormalizeObservation),
            nameof(ClipAction), nameof(RecordEpisodeStatistics), nameof(TimeLimit),
        }));
    }

    [Test]
    public void ClipActionOnADiscreteEnvIsAClearError()
    {
        Assert.That(() => PpoEnvs.Wrap(Core.Envs.Make("CartPole-v1"), new PpoConfig { ClipAction = true }),
            Throws.ArgumentException.With.Message.Contains("ClipAction needs a Box action space"));
    }

    [Test]
    public void EvaluationEnvFreezesTheTrainedObservationStatisticsAndDropsRewardWrappers()
    {
        var statistics = new RunningMeanStd(3);
        statistics.UpdateBatch([1f, 2f, 3f, 3f, 2f, 1f]);

        using IEnv env = PpoEnvs.MakeEvaluationEnv(PpoConfig.ContinuousDefaults, statistics);

        NormalizeObservation normalize = env.FindWrapper<NormalizeObservation>()!;
        Assert.That(normalize.UpdateRunningStats, Is.False);
        Assert.That(normalize.Statistics.Mean.ToArray(), Is.EqualTo(statistics.Mean.ToArray()));
        Assert.That(normalize.Statistics.Count, Is.EqualTo(statistics.Count));
        Assert.That(env.FindWrapper<NormalizeReward>(), Is.Null);
        Assert.That(env.FindWrapper<ClipReward>(), Is.Null);
    }

    private static string[] WrapperChain(IEnv env)
    {
        var names = new List<string>();
        for (IEnv current = env; current is Wrapper wrapper; current = wrapper.Env) names.Add(current.GetType().Name);
        return names.ToArray();
    }
}
