using System.Diagnostics;
using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tasks;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests.Tasks;

/// <summary>
/// A probe, run by hand (it trains for a few minutes on a shared CPU): does a tiny GPT-2 learn a built-in task from its noisy
/// demonstrations, and how much room does the SFT model leave? Its SFT loop is the plain masked cross-entropy on
/// completion tokens, kept here so the probe needs nothing from the real trainers.
/// Run: dotnet test tests/RlAlign.Alignment.Tests --filter "FullyQualifiedName~LearnabilityProbe"
/// </summary>
[Explicit("Trains a model for minutes; run by hand.")]
public sealed class LearnabilityProbe
{
    // Arithmetic needs about 3000 steps before carries are learned (the loss drops late); sorted_word plateaus within 600.
    [TestCase(ArithmeticTask.TaskName, 3000)]
    [TestCase(SortedWordTask.TaskName, 600)]
    public void SftOnDemonstrationsClearlyBeatsARandomModel(string taskName, int steps)
    {
        IAlignmentTask task = AlignmentTasks.Get(taskName);
        using var scope = NewDisposeScope();
        using Gpt2LMHeadModel model = Gpt2LMHeadModel.Create(TaskModels.TinyGpt2Config(task), new Generator(0));
        using Gpt2LMHeadModel random = Gpt2LMHeadModel.Create(TaskModels.TinyGpt2Config(task), new Generator(0));
        IReadOnlyList<string> evaluationPrompts = task.Prompts(1000, seed: 12345);
        GenerationOptions sampling = TaskSampling.DefaultGeneration(task);
        GenerationOptions greedy = sampling with { DoSample = false };

        IReadOnlyList<SftExample> demonstrations = task.Demonstrations(20_000, seed: 0);
        double demonstratorReward = demonstrations.Average(d => task.Reward(d.Prompt, d.Completion));
        TokenizedExample[] examples = [.. demonstrations.Select(d => task.Tokenizer.Tokenize(d))];

        var stopwatch = Stopwatch.StartNew();
        const int batchSize = 64;
        using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3, weight_decay: 0.0);
        var shuffle = Core.Random.NumpyGenerator.FromSeed(1);
        for (int step = 1; step <= steps; step++)
        {
            using var stepScope = NewDisposeScope();
            TokenizedExample[] batch = [.. Enumerable.Range(0, batchSize).Select(_ => examples[shuffle.Integers(0, examples.Length)])];
            using SequenceBatch tensors = Collation.Sequences(batch, task.Tokenizer.PadTokenId);
            Tensor logProbs = model.TokenLogProbs(tensors.InputIds, tensors.AttentionMask);
            Tensor mask = tensors.LossMask.narrow(1, 1, tensors.LossMask.shape[1] - 1).to(ScalarType.Float32);
            Tensor loss = -(logProbs * mask).sum() / mask.sum();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (step % 200 == 0) TestContext.Out.WriteLine($"step {step}: loss {loss.item<float>():F4} ({stopwatch.Elapsed.TotalSeconds:F1} s)");
        }
        double trainSeconds = stopwatch.Elapsed.TotalSeconds;

        TaskEvaluationResult before = TaskEvaluation.Evaluate(random, null, null, task, evaluationPrompts, sampling, seed: 7);
        TaskEvaluationResult after = TaskEvaluation.Evaluate(model, baseline: random, reference: random, task, evaluationPrompts, sampling, seed: 7);
        TaskEvaluationResult afterGreedy = TaskEvaluation.Evaluate(model, null, null, task, evaluationPrompts, greedy, seed: 7);
        TestContext.Out.WriteLine($"demonstrator: mean reward {demonstratorReward:F3}, right {demonstrations.Count(d => task.Reward(d.Prompt, d.Completion) == 1) / (double)demonstrations.Count:F3}");
        TestContext.Out.WriteLine($"random model: mean reward {before.MeanReward:F3} ± {before.RewardStandardError:F3}, fully correct {before.FullyCorrectRate:F3}");
        TestContext.Out.WriteLine($"after SFT ({steps} steps × {batchSize}, {trainSeconds:F1} s): sampled reward {after.MeanReward:F3} ± {after.RewardStandardError:F3}, fully correct {after.FullyCorrectRate:F3}, win rate vs random {after.WinRate:F3}, KL to random {after.KlToReference:F2}");
        TestContext.Out.WriteLine($"after SFT, greedy: reward {afterGreedy.MeanReward:F3}, fully correct {afterGreedy.FullyCorrectRate:F3} (upper bound 1.0)");
        foreach (TaskSample sample in after.Samples.Take(8)) TestContext.Out.WriteLine($"  {sample.Prompt}{sample.Completion}  (reward {task.Reward(sample.Prompt, sample.Completion):F3})");

        Assert.That(after.MeanReward, Is.GreaterThan(before.MeanReward + 0.3));
    }
}
