using RlAlign.Alignment.Data;
using RlAlign.Alignment.Training;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests.Training;

public sealed class SftTrainerTests
{
    private static SftTrainingConfig OneStep(int batch) => new()
    {
        LearningRate = 0, MaxSteps = 1, PerDeviceTrainBatchSize = batch, LoggingSteps = 1, MaxGradNorm = 0,
    };

    [Test]
    public void Bf16SwitchesTheModelsMatmulsForTheTrainersLifetime()
    {
        using var model = Tiny.Model();
        SftExample[] data = Tiny.Demonstrations(4);
        using (var trainer = new SftTrainer(model, Tiny.Tokenizer, data, OneStep(4) with { Bf16 = true, LearningRate = 1e-3 }))
        {
            Assert.That(model.Bf16Matmuls, Is.True);
            Assert.That(double.IsFinite(trainer.Train().LastMetrics["loss"]), Is.True);
        }
        Assert.That(model.Bf16Matmuls, Is.False, "restored when the trainer is disposed");
    }

    [Test]
    public void LossIsTheMeanCrossEntropyOfTheCompletionTokensOnly()
    {
        SftExample[] data = Tiny.Demonstrations(4);
        var sinks = new[] { new RecordingSink(), new RecordingSink() };
        using var model = Tiny.Model();
        using (var trainer = new SftTrainer(model, Tiny.Tokenizer, data, OneStep(4), metrics: sinks[0])) trainer.Train();
        using (var trainer = new SftTrainer(model, Tiny.Tokenizer, data, OneStep(4) with { CompletionOnlyLoss = false }, metrics: sinks[1])) trainer.Train();

        // By hand, example by example: log-probabilities of the completion (+ EOS) tokens given the prompt.
        double completionSum = 0, allSum = 0;
        int completionTokens = 0, allTokens = 0;
        using (no_grad())
        {
            foreach (SftExample example in data)
            {
                int[] prompt = [.. Tiny.Tokenizer.Encode(example.Prompt)];
                int[] completion = [.. Tiny.Tokenizer.Encode(example.Completion), Tiny.Tokenizer.EosTokenId];
                using Tensor ids = tensor(prompt.Concat(completion).Select(i => (long)i).ToArray(), [1, prompt.Length + completion.Length]);
                float[] tokenLogps = model.TokenLogProbs(ids).data<float>().ToArray();
                completionSum -= tokenLogps[(prompt.Length - 1)..].Sum();
                completionTokens += completion.Length;
                allSum -= tokenLogps.Sum();
                allTokens += tokenLogps.Length;
            }
        }
        Assert.That(sinks[0].Value("loss", 1), Is.EqualTo(completionSum / completionTokens).Within(1e-5));
        Assert.That(sinks[1].Value("loss", 1), Is.EqualTo(allSum / allTokens).Within(1e-5));
        Assert.That(Math.Abs(completionSum / completionTokens - allSum / allTokens), Is.GreaterThan(1e-2), "the prompt tokens would change the loss");
    }

    [Test]
    public void NumTokensCountsEveryRealTokenAndAccuracyIsAFraction()
    {
        var sink = new RecordingSink();
        using var model = Tiny.Model();
        using (var trainer = new SftTrainer(model, Tiny.Tokenizer, [new SftExample("ab", "cd")], OneStep(1), metrics: sink)) trainer.Train();
        Assert.That(sink.Value("num_tokens", 1), Is.EqualTo(5), "prompt 2 + completion 2 + EOS");
        Assert.That(sink.Value("mean_token_accuracy", 1), Is.AnyOf(0.0, 1.0 / 3, 2.0 / 3, 1.0), "3 completion tokens are scored");
    }

    [Test]
    public void AccumulationMatchesTheFullBatchGradient()
    {
        SftExample[] data = Tiny.Demonstrations(8);
        Tensor[] Gradient(int batch, int accumulation)
        {
            using var model = Tiny.Model();
            using var trainer = new SftTrainer(model, Tiny.Tokenizer, data, OneStep(batch) with { GradientAccumulationSteps = accumulation });
            trainer.Train();
            return Tiny.Gradients(model);
        }
        Tiny.AssertClose(Gradient(4, 2), Gradient(8, 1));
    }

    [Test]
    public void TrainingLowersTheEvalLossAndReportsTrlMetrics()
    {
        var sink = new RecordingSink();
        SftExample[] data = [.. Enumerable.Repeat(new SftExample("ab", "cdcd"), 4), .. Enumerable.Repeat(new SftExample("ba", "dd"), 4)];
        using var model = Tiny.Model();
        var config = new SftTrainingConfig { LearningRate = 3e-2, MaxSteps = 10, PerDeviceTrainBatchSize = 4, LoggingSteps = 5, EvalSteps = 5 };
        using var trainer = new SftTrainer(model, Tiny.Tokenizer, data, config, eval: data[..2], metrics: sink);
        Dictionary<string, double> before = trainer.Evaluate();
        trainer.Train();
        Assert.That(sink.NamesAt(10), Is.SupersetOf(new[] { "loss", "grad_norm", "learning_rate", "num_tokens", "mean_token_accuracy", "eval_loss", "eval_mean_token_accuracy" }));
        Assert.That(sink.Value("eval_loss", 10), Is.LessThan(0.5 * before["eval_loss"]));
        Assert.That(sink.Value("eval_mean_token_accuracy", 10), Is.GreaterThan(before["eval_mean_token_accuracy"]));
    }

    [Test]
    public void AnExampleLongerThanTheContextIsNamed()
    {
        SftExample[] data = [new("ab", "cd"), new(new string('a', 20), new string('b', 20))];
        using var model = Tiny.Model();
        var error = Assert.Throws<ArgumentException>(() => new SftTrainer(model, Tiny.Tokenizer, data, new SftTrainingConfig { MaxLength = null }));
        Assert.That(error!.Message, Does.Contain("Training example 1").And.Contain("41 tokens"));
        // With TRL's max_length the sequence is cut to fit instead.
        Assert.DoesNotThrow(() => new SftTrainer(model, Tiny.Tokenizer, data, new SftTrainingConfig { MaxLength = 32 }).Dispose());
    }
}
