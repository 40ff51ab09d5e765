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
    public void ResumingFromACheckpointGivesTheSameWeightsAsAnUninterruptedRun()
    {
        BcConfig config = SmallConfig with { Epochs = 4 };
        string folder = Directory.CreateTempSubdirectory("rlalign-bc-resume-").FullName;
        try
        {
            using var straight = new BehaviorCloning(config, FewDemos.Value);
            while (!straight.IsFinished) straight.RunEpoch();

            string path = Path.Combine(folder, "half.ckpt");
            using (var firstHalf = new BehaviorCloning(config, FewDemos.Value))
            {
                firstHalf.RunEpoch();
                firstHalf.RunEpoch();
                firstHalf.SaveCheckpoint(path);
            }
            using var resumed = new BehaviorCloning(config, FewDemos.Value);
            resumed.LoadCheckpoint(path);
            Assert.That(resumed.Epoch, Is.EqualTo(2));
            while (!resumed.IsFinished) resumed.RunEpoch();

            var expected = straight.Policy.named_parameters().ToArray();
            var actual = resumed.Policy.named_parameters().ToArray();
            Assert.That(actual.Select(p => p.name), Is.EqualTo(expected.Select(p => p.name)));
            using var scope = TorchSharp.torch.NewDisposeScope();
            for (int i = 0; i < expected.Length; i++)
                Assert.That(actual[i].parameter.eq(expected[i].parameter).all().item<bool>(), Is.True, $"parameter {expected[i].name} differs after the resume");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ACheckpointOfAnotherShapeOrRunIsRefusedWithTheDifference()
    {
        string folder = Directory.CreateTempSubdirectory("rlalign-bc-mismatch-").FullName;
        try
        {
            string path = Path.Combine(folder, "bc.ckpt");
            using (var bc = new BehaviorCloning(SmallConfig with { Epochs = 2 }, FewDemos.Value))
            {
                bc.RunEpoch();
                bc.SaveCheckpoint(path);
            }
            using (var wider = new BehaviorCloning(SmallConfig with { Epochs = 2, Channels = 8 }, FewDemos.Value))
            {
                var error = Assert.Throws<CheckpointException>(() => wider.LoadCheckpoint(path))!;
                Assert.That(error.Message, Does.Contain("channels: checkpoint 16, this run 8"));
                Assert.That(wider.Epoch, Is.Zero);
            }
            using (var otherBatches = new BehaviorCloning(SmallConfig with { Epochs = 2, BatchSize = 32 }, FewDemos.Value))
                Assert.That(Assert.Throws<CheckpointException>(() => otherBatches.LoadCheckpoint(path))!.Message, Does.Contain("batch_size: checkpoint 16, this run 32"));
            using (var otherDemos = new BehaviorCloning(SmallConfig with { Epochs = 2 }, new DemonstrationSet(FewDemos.Value.EnvId, FewDemos.Value.ImageWidth, FewDemos.Value.ImageHeight, FewDemos.Value.Episodes.Take(3).ToArray())))
                Assert.That(Assert.Throws<CheckpointException>(() => otherDemos.LoadCheckpoint(path))!.Message, Does.Contain("demonstration steps"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void SampledEvaluationIsSeededAndReportsReturns()
    {
        using var bc = new BehaviorCloning(SmallConfig with { Epochs = 1 }, FewDemos.Value);
        SuccessRateResult Sampled(ulong seed)
        {
            using Core.IEnv env = Core.Envs.Make("BabyAI-GoToLocal-v0");
            return BehaviorCloning.EvaluateSuccessRate(bc.Policy, env, 1, seed, greedy: false);
        }
        SuccessRateResult a = Sampled(5), b = Sampled(5);
        Assert.That(b.Lengths, Is.EqualTo(a.Lengths));
        Assert.That(b.Returns, Is.EqualTo(a.Returns));
        Assert.That(a.Returns, Has.Count.EqualTo(1));
        Assert.That(a.Returns[0] > 0, Is.EqualTo(a.Successes[0]), "BabyAI rewards only a success");
    }

    [Test]
    public void ConfigNamesTheBadSetting()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => (SmallConfig with { Demos = "" }).Validate())!.Message, Does.Contain("demos:"));
        Assert.That(Assert.Throws<ArgumentException>(() => (SmallConfig with { BatchSize = 0 }).Validate())!.Message, Does.Contain("batch_size"));
    }
}
