using RlAlign.Algorithms.Imitation;
using RlAlign.Cli.Commands;
using RlAlign.Policies.Language;

namespace RlAlign.Algorithms.Tests.Imitation;

[TestFixture]
public sealed class BehaviorCloningTests
{
    private static readonly Lazy<DemonstrationSet> FewDemos = new(() => DemosCommand.Record("BabyAI-GoToLocal-v0", 4, 0).Demos);

    private static BcConfig SmallConfig => new()
    {
        EnvId = "BabyAI-GoToLocal-v0", Demos = "(in memory)", Seed = 1, Epochs = 40, BatchSize = 16, LearningRate = 3e-3,
        WordSize = 16, Channels = 16,
    };

    [Test]
    public void OverfitsAHandfulOfDemonstrations()
    {
        var sink = new RecordingSink();
        using var bc = new BehaviorCloning(SmallConfig, FewDemos.Value, sink);
        var stats = new List<BcEpochStats>();
        while (!bc.IsFinished) stats.Add(bc.RunEpoch());

        Assert.That(stats, Has.Count.EqualTo(40));
        Assert.That(stats[^1].Loss, Is.LessThan(stats[0].Loss * 0.2), $"loss {stats[0].Loss:F3} → {stats[^1].Loss:F3}");
        Assert.That(stats[^1].Accuracy, Is.GreaterThanOrEqualTo(0.97), $"accuracy {stats[^1].Accuracy:F3} on {bc.SampleCount} steps");
        Assert.That(sink.Values(BehaviorCloning.LossMetric), Has.Count.EqualTo(40));
        Assert.That(sink.Values(BehaviorCloning.AccuracyMetric)[^1], Is.EqualTo(stats[^1].Accuracy));
    }

    [Test]
    public void SameSeedSameLosses()
    {
        double[] Losses()
        {
            using var bc = new BehaviorCloning(SmallConfig with { Epochs = 2 }, FewDemos.Value);
            return [bc.RunEpoch().Loss, bc.RunEpoch().Loss];
        }
        Assert.That(Losses(), Is.EqualTo(Losses()));
    }

    [Test]
    public void CheckpointRestoresThePolicy()
    {
        string folder = Directory.CreateTempSubdirectory("rlalign-bc-").FullName;
        try
        {
            using var bc = new BehaviorCloning(SmallConfig with { Epochs = 1, MissionEncoder = MissionEncoder.BagOfWords }, FewDemos.Value);
            bc.RunEpoch();
            string path = Path.Combine(folder, "bc.ckpt");
            bc.SaveCheckpoint(path);
            (BabyAIPolicy restored, string envId, int epoch) = BehaviorCloning.LoadPolicy(path);
            using (restored)
            {
                Assert.That((envId, epoch, restored.Options.MissionEncoder), Is.EqualTo(("BabyAI-GoToLocal-v0", 1, MissionEncoder.BagOfWords)));
                using Core.IEnv envA = Core.Envs.Make("BabyAI-GoToLocal-v0"), envB = Core.Envs.Make("BabyAI-GoToLocal-v0");
                SuccessRateResult a = BehaviorCloning.EvaluateSuccessRate(bc.Policy, envA, 2, 100);
                SuccessRateResult b = BehaviorCloning.EvaluateSuccessRate(restored, envB, 2, 100);
                Assert.That(b.Lengths, Is.EqualTo(a.Lengths));
                Assert.That(b.Successes, Is.EqualTo(a.Successes));
            }
            var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Open(path, "ppo"))!;
            Assert.That(error.Message, Does.Contain("'bc'"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void DemonstrationsOfAnotherEnvAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new BehaviorCloning(SmallConfig with { EnvId = "BabyAI-GoToObj-v0" }, FewDemos.Value))!;
        Assert.That(error.Message, Does.Contain("'BabyAI-GoToLocal-v0'").And.Contain("'BabyAI-GoToObj-v0'"));
    }

    [Test]
    public void ConfigNamesTheBadSetting()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => (SmallConfig with { Demos = "" }).Validate())!.Message, Does.Contain("demos:"));
        Assert.That(Assert.Throws<ArgumentException>(() => (SmallConfig with { BatchSize = 0 }).Validate())!.Message, Does.Contain("batch_size"));
    }
}
