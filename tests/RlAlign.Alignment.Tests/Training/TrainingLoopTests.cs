using RlAlign.Alignment.Data;
using RlAlign.Alignment.Preference;
using RlAlign.Alignment.Training;

namespace RlAlign.Alignment.Tests.Training;

public sealed class TrainingLoopTests
{
    [Test]
    public void EachEpochIsASeededShuffleOfEveryExample()
    {
        using var model = Tiny.Model();
        DpoTrainer Trainer(int seed) => new(model, Tiny.Tokenizer, Tiny.Pairs(10),
            new DpoTrainingConfig { Seed = seed, PerDeviceTrainBatchSize = 3, GradientAccumulationSteps = 2, NumTrainEpochs = 2 });
        using DpoTrainer first = Trainer(1), again = Trainer(1), other = Trainer(2);
        // 10 examples in micro-batches of 3: 4 micro-batches (the last of 1), 2 steps per epoch.
        Assert.That(first.StepsPerEpoch, Is.EqualTo(2));
        Assert.That(first.TotalSteps, Is.EqualTo(4));
        int[] Epoch(DpoTrainer trainer, int epoch) => [.. Enumerable.Range(2 * epoch, 2).SelectMany(trainer.MicroBatches).SelectMany(b => b)];
        Assert.That(first.MicroBatches(1).Select(b => b.Length), Is.EqualTo(new[] { 3, 1 }));
        Assert.That(Epoch(first, 0).Order(), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(Epoch(first, 1).Order(), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(Epoch(first, 1), Is.Not.EqualTo(Epoch(first, 0)));
        Assert.That(Epoch(again, 1), Is.EqualTo(Epoch(first, 1)));
        Assert.That(Epoch(other, 0), Is.Not.EqualTo(Epoch(first, 0)));
    }

    [TestCase(DpoLossType.Sigmoid, 0.0, 0.6931471805599453)]
    [TestCase(DpoLossType.Sigmoid, 0.1, 0.6931471805599453)]
    [TestCase(DpoLossType.Robust, 0.1, 0.6931471805599453)]
    [TestCase(DpoLossType.Hinge, 0.0, 1.0)]
    [TestCase(DpoLossType.Ipo, 0.0, 25.0)]
    [TestCase(DpoLossType.SppoHard, 0.0, 50.0)]
    public void EveryLossTypeStartsAtItsValueForZeroLogRatios(DpoLossType type, double labelSmoothing, double expected)
    {
        var sink = new RecordingSink();
        using var model = Tiny.Model();
        var config = new DpoTrainingConfig { LossType = type, LabelSmoothing = labelSmoothing, MaxSteps = 1, PerDeviceTrainBatchSize = 4, LoggingSteps = 1 };
        using var trainer = new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4), config, metrics: sink);
        trainer.Train();
        Assert.That(sink.Value("loss", 1), Is.EqualTo(expected).Within(1e-5 * expected));
    }

    [Test]
    public void TrainsFromJsonlDatasets()
    {
        using var folder = new TempFolder();
        File.WriteAllLines(folder.File("pairs.jsonl"), Tiny.Pairs(4).Select(p => $$"""{"prompt": "{{p.Prompt}}", "chosen": "{{p.Chosen}}", "rejected": "{{p.Rejected}}"}"""));
        File.WriteAllLines(folder.File("sft.jsonl"), Tiny.Demonstrations(4).Select(d => $$"""{"prompt": "{{d.Prompt}}", "completion": "{{d.Completion}}"}"""));
        var dpoSink = new RecordingSink();
        var sftSink = new RecordingSink();
        using var model = Tiny.Model();
        using (var dpo = new DpoTrainer(model, Tiny.Tokenizer, PreferenceDataset.Open(folder.File("pairs.jsonl")),
            new DpoTrainingConfig { MaxSteps = 1, PerDeviceTrainBatchSize = 4, LoggingSteps = 1 }, metrics: dpoSink))
        {
            Assert.That(dpo.TrainExampleCount, Is.EqualTo(4));
            dpo.Train();
        }
        using (var sft = new SftTrainer(model, Tiny.Tokenizer, SftDataset.Open(folder.File("sft.jsonl")),
            new SftTrainingConfig { MaxSteps = 1, PerDeviceTrainBatchSize = 4, LoggingSteps = 1 }, metrics: sftSink))
        {
            sft.Train();
        }
        Assert.That(dpoSink.Value("loss", 1), Is.EqualTo(Math.Log(2)).Within(1e-6));
        Assert.That(sftSink.Value("loss", 1), Is.GreaterThan(0));
    }

    [Test]
    public void BadSettingsAreNamedByTheirYamlKeys()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new DpoTrainingConfig { WarmupRatio = 1.5 }.Validate())!.Message, Does.Contain("warmup_ratio"));
        Assert.That(Assert.Throws<ArgumentException>(() => new SftTrainingConfig { GradientAccumulationSteps = 0 }.Validate())!.Message, Does.Contain("gradient_accumulation_steps"));
        Assert.That(Assert.Throws<ArgumentException>(() => new DpoTrainingConfig { SaveSteps = 5 }.Validate())!.Message, Does.Contain("output_dir"));
        Assert.That(Assert.Throws<ArgumentException>(() => new DpoTrainingConfig { SyncRefModel = true, PrecomputeRefLogProbs = true }.Validate())!.Message,
            Does.Contain("sync_ref_model").And.Contain("precompute_ref_log_probs"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ApoConfig { Alpha = -1 }.Validate())!.Message, Does.Contain("alpha"));
    }
}
