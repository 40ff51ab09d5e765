using RlAlign.Alignment.Data;
using RlAlign.Alignment.Preference;
using RlAlign.Alignment.Training;
using RlAlign.Policies.Language;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests.Training;

public sealed class DpoTrainerTests
{
    // Learning rate 0 leaves the weights alone, and the gradient of the (only) step stays in .grad for inspection.
    private static DpoTrainingConfig OneStep(int pairs) => new()
    {
        LearningRate = 0, MaxSteps = 1, PerDeviceTrainBatchSize = pairs, LoggingSteps = 1, MaxGradNorm = 0,
    };

    [Test]
    public void LossIsLogTwoWhenThePolicyIsItsOwnReference()
    {
        var sink = new RecordingSink();
        using var model = Tiny.Model();
        using var trainer = new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4), OneStep(4), metrics: sink);
        trainer.Train();
        Assert.That(sink.Value("loss", 1), Is.EqualTo(Math.Log(2)).Within(1e-6));
        Assert.That(sink.Value("rewards/margins", 1), Is.EqualTo(0).Within(1e-7));
        Assert.That(sink.Value("rewards/accuracies", 1), Is.EqualTo(0));
    }

    [Test]
    public void ReportsTrlsMetricNamesAndEvalMetrics()
    {
        var sink = new RecordingSink();
        using var model = Tiny.Model();
        var config = new DpoTrainingConfig { LearningRate = 1e-3, MaxSteps = 2, PerDeviceTrainBatchSize = 2, LoggingSteps = 2, EvalSteps = 2 };
        using var trainer = new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4), config, eval: Tiny.Pairs(3, seed: 9), metrics: sink);
        trainer.Train();
        string[] train = ["loss", "grad_norm", "learning_rate", "num_tokens", "epoch", "rewards/chosen", "rewards/rejected", "rewards/margins",
            "rewards/accuracies", "logps/chosen", "logps/rejected", "logits/chosen", "logits/rejected"];
        Assert.That(sink.NamesAt(2), Is.SupersetOf(train));
        Assert.That(sink.NamesAt(2), Is.SupersetOf(train.Where(n => n.Contains('/') || n == "loss").Select(n => "eval_" + n)));
        Assert.That(sink.NamesAt(1), Is.Empty, "logging_steps = 2 reports every second step only");
        // num_tokens counts the real tokens of both steps' chosen and rejected rows.
        int expectedTokens = DpoTrainer.Tokenize(Tiny.Tokenizer, Tiny.Pairs(4), config)
            .Sum(p => 2 * p.PromptIds.Length + p.ChosenIds.Length + p.RejectedIds.Length);
        Assert.That(sink.Value("num_tokens", 2), Is.EqualTo(expectedTokens));
    }

    [Test]
    public void GradientIsMinusBetaSigmoidOfMinusBetaHTimesGradH()
    {
        const double beta = 0.5;
        using var model = Tiny.Model(seed: 1);
        using var reference = Tiny.Model(seed: 2);
        TokenizedPair[] pairs = DpoTrainer.Tokenize(Tiny.Tokenizer, Tiny.Pairs(3), new DpoTrainingConfig());
        using var trainer = new DpoTrainer(model, Tiny.Tokenizer.PadTokenId, pairs, OneStep(3) with { Beta = beta }, referenceModel: reference);
        trainer.Train();
        Tensor[] actual = Tiny.Gradients(model);

        // By hand: h_i = (logπ(w) - logπ_ref(w)) - (logπ(l) - logπ_ref(l)); gradient = mean_i -β σ(-β h_i) ∇h_i.
        using var batch = Collation.Preferences(pairs, Tiny.Tokenizer.PadTokenId);
        Tensor policy = CompletionScores.Compute(model, batch).Logps;
        Tensor referenceLogps;
        using (no_grad()) referenceLogps = CompletionScores.Compute(reference, batch).Logps;
        Tensor ratios = policy - referenceLogps;
        Tensor h = ratios.narrow(0, 0, 3) - ratios.narrow(0, 3, 3);
        Tensor weights = (-beta * (-beta * h.detach()).sigmoid() / 3).detach();
        Tensor[] expected = [.. autograd.grad([(weights * h).sum()], [.. model.parameters()])];
        Assert.That(h.abs().min().item<float>(), Is.GreaterThan(1e-3), "the reference differs from the policy, so h is not 0");
        Tiny.AssertClose(actual, expected);
    }

    [Test]
    public void IpoUsesPerTokenAveragedLogRatios()
    {
        const double beta = 0.1;
        var sink = new RecordingSink();
        using var model = Tiny.Model(seed: 1);
        using var reference = Tiny.Model(seed: 2);
        TokenizedPair[] pairs = DpoTrainer.Tokenize(Tiny.Tokenizer, Tiny.Pairs(3), new DpoTrainingConfig());
        using var trainer = new DpoTrainer(model, Tiny.Tokenizer.PadTokenId, pairs, OneStep(3) with { Beta = beta, LossType = DpoLossType.Ipo },
            metrics: sink, referenceModel: reference);
        trainer.Train();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var batch = Collation.Preferences(pairs, Tiny.Tokenizer.PadTokenId);
        var scores = CompletionScores.Compute(model, batch);
        Tensor ratios = (scores.Logps - CompletionScores.Compute(reference, batch).Logps) / scores.Lengths;
        Tensor h = ratios.narrow(0, 0, 3) - ratios.narrow(0, 3, 3);
        double expected = (h - 1 / (2 * beta)).square().mean().item<float>();
        Assert.That(sink.Value("loss", 1), Is.EqualTo(expected).Within(1e-5 * expected));
    }

    [Test]
    public void TwoAccumulatedMicroBatchesOfFourGiveTheGradientOfABatchOfEight()
    {
        PreferenceExample[] data = Tiny.Pairs(8);
        var sinks = new[] { new RecordingSink(), new RecordingSink() };
        Tensor[] Gradient(int batch, int accumulation, RecordingSink sink)
        {
            using var model = Tiny.Model();
            using var reference = Tiny.Model(seed: 3);
            var config = OneStep(batch) with { GradientAccumulationSteps = accumulation };
            using var trainer = new DpoTrainer(model, Tiny.Tokenizer, data, config, metrics: sink, referenceModel: reference);
            Assert.That(trainer.MicroBatches(0), Has.Count.EqualTo(accumulation));
            trainer.Train();
            return Tiny.Gradients(model);
        }
        Tiny.AssertClose(Gradient(4, 2, sinks[0]), Gradient(8, 1, sinks[1]));
        Assert.That(sinks[0].Value("loss", 1), Is.EqualTo(sinks[1].Value("loss", 1)).Within(1e-6));
        Assert.That(sinks[0].Value("grad_norm", 1), Is.EqualTo(sinks[1].Value("grad_norm", 1)).Within(1e-5));
        Assert.That(sinks[0].Value("rewards/margins", 1), Is.EqualTo(sinks[1].Value("rewards/margins", 1)).Within(1e-6));
    }

    [Test]
    public void ClippingReportsTheNormBeforeClippingAndScalesTheGradientToTheThreshold()
    {
        PreferenceExample[] data = Tiny.Pairs(4);
        (double Reported, double After) Run(double maxGradNorm)
        {
            var sink = new RecordingSink();
            using var model = Tiny.Model();
            using var reference = Tiny.Model(seed: 3);
            using var trainer = new DpoTrainer(model, Tiny.Tokenizer, data, OneStep(4) with { MaxGradNorm = maxGradNorm }, metrics: sink, referenceModel: reference);
            trainer.Train();
            double after = stack(Tiny.Gradients(model).Select(g => g.norm()).ToArray()).norm().item<float>();
            return (sink.Value("grad_norm", 1), after);
        }
        var unclipped = Run(0);
        var clipped = Run(1e-3);
        Assert.That(unclipped.Reported, Is.EqualTo(unclipped.After).Within(1e-5 * unclipped.After));
        Assert.That(unclipped.After, Is.GreaterThan(1e-2));
        Assert.That(clipped.Reported, Is.EqualTo(unclipped.Reported).Within(1e-5 * unclipped.Reported));
        Assert.That(clipped.After, Is.EqualTo(1e-3).Within(1e-6));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ResumingFromACheckpointContinuesBitIdentically(bool syncReference)
    {
        using var folder = new TempFolder();
        PreferenceExample[] data = Tiny.Pairs(8);
        // 8 pairs, batch 2, accumulation 2: 2 steps per epoch, so the 4 steps cross an epoch boundary (a new shuffle).
        var config = new DpoTrainingConfig
        {
            LearningRate = 1e-2, MaxSteps = 4, WarmupSteps = 1, PerDeviceTrainBatchSize = 2, GradientAccumulationSteps = 2, LoggingSteps = 3,
            SaveSteps = 2, OutputDir = folder.Path, SyncRefModel = syncReference, RefModelSyncSteps = 1, RefModelMixupAlpha = 0.5,
        };
        var straightSink = new RecordingSink();
        using var straight = Tiny.Model();
        using (var trainer = new DpoTrainer(straight, Tiny.Tokenizer, data, config, metrics: straightSink)) trainer.Train();

        var resumedSink = new RecordingSink();
        using var resumed = Tiny.Model();
        using (var trainer = new DpoTrainer(resumed, Tiny.Tokenizer, data, config with { OutputDir = folder.File("again") }, metrics: resumedSink))
            trainer.Train(resumeFromCheckpoint: folder.File("checkpoint-2"));

        Tiny.AssertEqual(Tiny.Weights(resumed), Tiny.Weights(straight));
        Assert.That(resumedSink.Records, Is.EqualTo(straightSink.Records.Where(r => r.Step > 2)));
        Assert.That(Directory.Exists(folder.File("checkpoint-4")), Is.True);
        using var saved = Gpt2LMHeadModel.FromPretrained(folder.File("checkpoint-4"));
        Tiny.AssertEqual(Tiny.Weights(saved), Tiny.Weights(straight));
    }

    [Test]
    public void ResumingRefusesACheckpointOfAnotherRun()
    {
        using var folder = new TempFolder();
        var config = new DpoTrainingConfig { MaxSteps = 2, PerDeviceTrainBatchSize = 2, SaveSteps = 1, OutputDir = folder.Path };
        using var model = Tiny.Model();
        using (var trainer = new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4), config)) trainer.Train();
        using var other = new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(6), config);
        var error = Assert.Throws<RlAlign.Algorithms.CheckpointException>(() => other.Train(folder.File("checkpoint-1")));
        Assert.That(error!.Message, Does.Contain("4 examples").And.Contain("6"));
    }

    [Test]
    public void TrDpoMixesThePolicyIntoTheReference()
    {
        using var model = Tiny.Model(seed: 1);
        using var reference = Tiny.Model(seed: 2);
        Tensor[] before = Tiny.Weights(reference);
        var config = new DpoTrainingConfig { LearningRate = 1e-2, MaxSteps = 1, PerDeviceTrainBatchSize = 4, SyncRefModel = true, RefModelSyncSteps = 1, RefModelMixupAlpha = 0.25 };
        using (var trainer = new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4), config, referenceModel: reference)) trainer.Train();
        Tensor[] expected = [.. Tiny.Weights(model).Zip(before, (policy, old) => 0.25 * policy + 0.75 * old)];
        Tiny.AssertClose(Tiny.Weights(reference), expected, rtol: 1e-6, atol: 1e-7);
    }

    [Test]
    public void PrecomputedReferenceTrainsLikeTheFrozenCopy()
    {
        PreferenceExample[] data = Tiny.Pairs(6);
        Tensor[] Train(bool precompute)
        {
            using var model = Tiny.Model();
            var config = new DpoTrainingConfig { LearningRate = 1e-2, MaxSteps = 3, PerDeviceTrainBatchSize = 2, PrecomputeRefLogProbs = precompute };
            using var trainer = new DpoTrainer(model, Tiny.Tokenizer, data, config);
            trainer.Train();
            return Tiny.Weights(model);
        }
        Tiny.AssertClose(Train(true), Train(false), rtol: 1e-5, atol: 1e-6);
    }

    [Test]
    public void ReferenceCacheIsReusedWhenItMatchesAndRefusedWhenItDoesNot()
    {
        using var folder = new TempFolder();
        string cache = folder.File("ref_logps.bin");
        var config = new DpoTrainingConfig { MaxSteps = 1, PerDeviceTrainBatchSize = 2, PrecomputeRefLogProbs = true, RefLogProbsCache = cache };
        using var model = Tiny.Model();
        using (new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4), config, eval: Tiny.Pairs(2, seed: 3))) { }
        Assert.That(File.Exists(cache), Is.True);
        byte[] written = File.ReadAllBytes(cache);
        DateTime writeTime = File.GetLastWriteTimeUtc(cache);

        using (new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4), config, eval: Tiny.Pairs(2, seed: 3))) { }
        Assert.That(File.GetLastWriteTimeUtc(cache), Is.EqualTo(writeTime));
        Assert.That(File.ReadAllBytes(cache), Is.EqualTo(written));

        var otherData = Assert.Throws<InvalidDataException>(() => new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(4, seed: 8), config, eval: Tiny.Pairs(2, seed: 3)));
        Assert.That(otherData!.Message, Does.Contain(cache).And.Contain("another dataset"));
        using var otherModel = Tiny.Model(seed: 5);
        var otherReference = Assert.Throws<InvalidDataException>(() => new DpoTrainer(otherModel, Tiny.Tokenizer, Tiny.Pairs(4), config, eval: Tiny.Pairs(2, seed: 3)));
        Assert.That(otherReference!.Message, Does.Contain("another reference model"));
    }

    [Test]
    public void AnExampleLongerThanTheContextIsNamed()
    {
        PreferenceExample[] data = [.. Tiny.Pairs(2), new PreferenceExample(new string('a', 30), "bb", "c")];
        using var model = Tiny.Model();
        var error = Assert.Throws<ArgumentException>(() => new DpoTrainer(model, Tiny.Tokenizer, data, new DpoTrainingConfig { MaxLength = null, MaxPromptLength = null }));
        Assert.That(error!.Message, Does.Contain("Training example 2").And.Contain("33 tokens").And.Contain("n_positions = 32"));
    }

    [Test]
    public void TrainingRaisesTheChosenRewardsMargin()
    {
        var sink = new RecordingSink();
        using var model = Tiny.Model();
        var config = new DpoTrainingConfig { LearningRate = 3e-2, MaxSteps = 12, PerDeviceTrainBatchSize = 4, LoggingSteps = 1, Beta = 0.5 };
        using var trainer = new DpoTrainer(model, Tiny.Tokenizer, Tiny.Pairs(8), config, eval: Tiny.Pairs(8), metrics: sink);
        trainer.Train();
        Dictionary<string, double> eval = trainer.Evaluate();
        Assert.That(eval["eval_rewards/margins"], Is.GreaterThan(0.5));
        Assert.That(eval["eval_loss"], Is.LessThan(Math.Log(2) - 0.1));
        Assert.That(eval["eval_rewards/accuracies"], Is.GreaterThanOrEqualTo(0.75));
    }
}
