using RlAlign.Alignment.Tasks;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests.Tasks;

internal static class TaskTestModels
{
    /// <summary>A random GPT-2 sized for <paramref name="task"/> (width 16), with weights large enough (std 0.3) that its samples vary.</summary>
    public static Gpt2LMHeadModel Random(IAlignmentTask task, long seed)
        => Gpt2LMHeadModel.Create(TaskModels.TinyGpt2Config(task, width: 16, heads: 2) with { InitializerRange = 0.3 }, new Generator((ulong)seed));
}

public sealed class TaskEvaluationTests
{
    private static readonly ArithmeticTask Task = new();

    [Test]
    public void TinyConfigFitsTheTask()
    {
        Gpt2Config config = TaskModels.TinyGpt2Config(Task);
        Assert.That(config.VocabSize, Is.EqualTo(13));
        Assert.That(config.NPositions, Is.EqualTo(Task.MaxPromptTokens + Task.MaxCompletionTokens));
        Assert.That((config.NLayer, config.NEmbd, config.NHead), Is.EqualTo((2, 64, 4)));
        Assert.That((config.EosTokenId, config.PadTokenId), Is.EqualTo((12, 12)));
    }

    [Test]
    public void SamplesAreReproduciblePerSeedAndDecodeWithoutEos()
    {
        using var scope = NewDisposeScope();
        using Gpt2LMHeadModel model = TaskTestModels.Random(Task, seed: 1);
        IReadOnlyList<string> prompts = Task.Prompts(30, seed: 0);
        GenerationOptions options = TaskSampling.DefaultGeneration(Task);

        IReadOnlyList<TaskSample> samples = TaskSampling.Sample(model, Task.Tokenizer, prompts, options, seed: 5, batchSize: 8);
        IReadOnlyList<TaskSample> again = TaskSampling.Sample(model, Task.Tokenizer, prompts, options, seed: 5, batchSize: 8);
        IReadOnlyList<TaskSample> other = TaskSampling.Sample(model, Task.Tokenizer, prompts, options, seed: 6, batchSize: 8);

        Assert.That(samples.Select(s => s.CompletionIds), Is.EqualTo(again.Select(s => s.CompletionIds)));
        Assert.That(samples.Select(s => s.Completion), Is.Not.EqualTo(other.Select(s => s.Completion)));
        Assert.That(samples.Select(s => s.Prompt), Is.EqualTo(prompts));
        foreach (TaskSample sample in samples)
        {
            Assert.That(sample.CompletionIds, Has.Length.InRange(1, Task.MaxCompletionTokens));
            Assert.That(sample.CompletionIds[..^1], Has.None.EqualTo(Task.Tokenizer.EosTokenId));
            Assert.That(sample.Finished, Is.EqualTo(sample.CompletionIds[^1] == Task.Tokenizer.EosTokenId));
            Assert.That(sample.Completion, Is.EqualTo(Task.Tokenizer.Decode(sample.Finished ? sample.CompletionIds[..^1] : sample.CompletionIds)));
        }
        Assert.That(samples.Count(s => s.Finished), Is.InRange(1, 29), "a random model sometimes stops, sometimes runs out of tokens");
    }

    [Test]
    public void BatchedCompletionLogProbsEqualEachSequenceScoredAlone()
    {
        using var scope = NewDisposeScope();
        using Gpt2LMHeadModel model = TaskTestModels.Random(Task, seed: 2);
        IReadOnlyList<TaskSample> samples = TaskSampling.Sample(model, Task.Tokenizer, Task.Prompts(12, seed: 1), TaskSampling.DefaultGeneration(Task), seed: 3);

        double[] batched = TaskSampling.CompletionLogProbs(model, samples, Task.Tokenizer.PadTokenId);
        for (int i = 0; i < samples.Count; i++)
        {
            long[] sequence = [.. samples[i].PromptIds.Concat(samples[i].CompletionIds).Select(id => (long)id)];
            using var noGrad = no_grad();
            Tensor perToken = model.TokenLogProbs(TestModels.Ids([sequence]));
            double alone = perToken[0].narrow(0, samples[i].PromptIds.Length - 1, samples[i].CompletionIds.Length).sum().item<float>();
            Assert.That(batched[i], Is.EqualTo(alone).Within(1e-4), $"sample {i}");
        }
    }

    [Test]
    public void AModelAgainstItselfWinsHalfTheTimeWithZeroKl()
    {
        using var scope = NewDisposeScope();
        using Gpt2LMHeadModel model = TaskTestModels.Random(Task, seed: 1);
        using Gpt2LMHeadModel sameWeights = TaskTestModels.Random(Task, seed: 1);
        IReadOnlyList<string> prompts = Task.Prompts(40, seed: 2);

        TaskEvaluationResult result = TaskEvaluation.Evaluate(model, baseline: sameWeights, reference: sameWeights, Task, prompts, options: null, seed: 4, batchSize: 16);

        Assert.That(result.WinRate, Is.EqualTo(0.5), "same samples, so every prompt is a tie");
        Assert.That(result.KlToReference, Is.EqualTo(0.0));
        double[] rewards = [.. result.Samples.Select(s => Task.Reward(s.Prompt, s.Completion))];
        Assert.That(result.MeanReward, Is.EqualTo(rewards.Average()).Within(1e-12));
        Assert.That(result.FullyCorrectRate, Is.EqualTo(rewards.Count(r => r == 1) / 40.0));
        Assert.That(result.RewardStandardError, Is.GreaterThan(0));
    }

    [Test]
    public void AgainstAnotherModelTheKlIsTheMeanLogRatioOnThePolicysSamples()
    {
        using var scope = NewDisposeScope();
        using Gpt2LMHeadModel policy = TaskTestModels.Random(Task, seed: 1);
        using Gpt2LMHeadModel reference = TaskTestModels.Random(Task, seed: 2);
        IReadOnlyList<string> prompts = Task.Prompts(40, seed: 2);

        TaskEvaluationResult result = TaskEvaluation.Evaluate(policy, baseline: reference, reference: reference, Task, prompts, options: null, seed: 4);
        double[] policyLogProbs = TaskSampling.CompletionLogProbs(policy, result.Samples, Task.Tokenizer.PadTokenId);
        double[] referenceLogProbs = TaskSampling.CompletionLogProbs(reference, result.Samples, Task.Tokenizer.PadTokenId);

        Assert.That(result.KlToReference, Is.EqualTo(policyLogProbs.Zip(referenceLogProbs, (p, r) => p - r).Average()).Within(1e-9));
        Assert.That(result.KlToReference, Is.GreaterThan(0.1), "two random models differ; the k1 estimate is positive in expectation");
        Assert.That(result.WinRate, Is.Not.EqualTo(0.5));
        Assert.That(result.WinRate, Is.InRange(0.0, 1.0));
        Assert.That(TaskEvaluation.Evaluate(policy, null, null, Task, prompts, null, seed: 4) is { WinRate: null, KlToReference: null });
    }
}
