using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tasks;

namespace RlAlign.Alignment.Tests.Tasks;

public sealed class ArithmeticTaskTests
{
    private readonly ArithmeticTask _task = new();

    [TestCase("75", 1.0, TestName = "Reward: the right answer scores 1")]
    [TestCase("75<|endoftext|>", 1.0, TestName = "Reward: the EOS text ends the answer")]
    [TestCase("75<|endoftext|>99", 1.0, TestName = "Reward: what follows EOS is ignored")]
    [TestCase("74", 0.5, TestName = "Reward: one wrong digit of two")]
    [TestCase("5", 0.5, TestName = "Reward: a missing digit")]
    [TestCase("175", 2.0 / 3, TestName = "Reward: an extra digit")]
    [TestCase("0075", 0.5, TestName = "Reward: two extra digits")]
    [TestCase("57", 0.0, TestName = "Reward: digits swapped")]
    [TestCase("", 0.0, TestName = "Reward: empty")]
    [TestCase("+=+", 0.0, TestName = "Reward: garbage")]
    [TestCase("+7", 0.0, TestName = "Reward: garbage and a misplaced digit")]
    [TestCase("7+", 0.5, TestName = "Reward: right tens digit, garbage units")]
    public void RewardOnHandMadeCompletions(string completion, double expected)
        => Assert.That(_task.Reward("17+58=", completion), Is.EqualTo(expected).Within(1e-12));

    [Test]
    public void RewardOfACarryIntoANewDigit()
    {
        Assert.That(_task.Reward("99+99=", "198"), Is.EqualTo(1.0));
        Assert.That(_task.Reward("99+99=", "98"), Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(_task.Reward("0+0=", "0"), Is.EqualTo(1.0));
    }

    [Test]
    public void MalformedPromptIsNamedInTheError()
    {
        var e = Assert.Throws<ArgumentException>(() => _task.Reward("17-58=", "75"));
        Assert.That(e!.Message, Does.Contain("'17-58='").And.Contain("17+58="));
    }

    [Test]
    public void PromptsAreTheSameForTheSameSeedAndDifferForAnother()
    {
        Assert.That(_task.Prompts(50, seed: 7), Is.EqualTo(_task.Prompts(50, seed: 7)));
        Assert.That(_task.Prompts(50, seed: 7), Is.Not.EqualTo(_task.Prompts(50, seed: 8)));
        Assert.That(_task.Prompts(10, seed: 7), Is.EqualTo(_task.Prompts(50, seed: 7).Take(10)), "a longer list extends a shorter one");
    }

    [Test]
    public void PromptsCoverTheOperandRangeAndFitTheDeclaredLength()
    {
        IReadOnlyList<string> prompts = _task.Prompts(2000, seed: 3);
        int[] operands = [.. prompts.SelectMany(p => p.TrimEnd('=').Split('+')).Select(int.Parse)];
        Assert.That(operands.Min(), Is.EqualTo(0));
        Assert.That(operands.Max(), Is.EqualTo(99));
        Assert.That(prompts.Max(p => _task.Tokenizer.Encode(p).Count), Is.EqualTo(_task.MaxPromptTokens));
    }

    [Test]
    public void DemonstrationsAnswerTheSeedsPromptsAndAreRightAboutHalfTheTime()
    {
        IReadOnlyList<SftExample> demonstrations = _task.Demonstrations(4000, seed: 11);
        Assert.That(demonstrations.Select(d => d.Prompt), Is.EqualTo(_task.Prompts(4000, seed: 11)));
        Assert.That(demonstrations, Is.EqualTo(_task.Demonstrations(4000, seed: 11)));

        double[] rewards = [.. demonstrations.Select(d => _task.Reward(d.Prompt, d.Completion))];
        double correct = rewards.Count(r => r == 1.0) / (double)rewards.Length;
        Assert.That(correct, Is.InRange(0.47, 0.53), "CorrectProbability is 0.5");
        double[] wrong = [.. rewards.Where(r => r < 1.0)];
        Assert.That(wrong.Average(), Is.InRange(0.3, 0.7), "a wrong demonstration is wrong in one character only");
        Assert.That(demonstrations.All(d => d.Completion.Length > 0 && _task.Tokenizer.Encode(d.Completion).Count + 1 <= _task.MaxCompletionTokens));
        int[] lengthErrors = [.. demonstrations.Select(d => Math.Sign(d.Completion.Length - _task.Answer(d.Prompt).Length))];
        Assert.That(lengthErrors.Count(e => e < 0), Is.GreaterThan(100), "dropped digits");
        Assert.That(lengthErrors.Count(e => e > 0), Is.GreaterThan(100), "inserted digits");
    }

    [Test]
    public void TokenizerIsTheAlphabetPlusEos()
    {
        Assert.That(_task.Tokenizer.VocabSize, Is.EqualTo(13));
        Assert.That(_task.Tokenizer.EosTokenId, Is.EqualTo(12));
        Assert.That(_task.Tokenizer.Encode("17+58=<|endoftext|>"), Is.EqualTo(new[] { 1, 7, 10, 5, 8, 11, 12 }));
    }

    [Test]
    public void InvalidSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ArithmeticTask(correctProbability: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ArithmeticTask(maxOperand: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _task.Prompts(-1, 0));
    }

    [Test]
    public void RegistryFindsTheTaskAndListsKnownNamesOtherwise()
    {
        Assert.That(AlignmentTasks.Get("arithmetic"), Is.InstanceOf<ArithmeticTask>());
        Assert.That(AlignmentTasks.Get("sorted_word"), Is.InstanceOf<SortedWordTask>());
        var e = Assert.Throws<ArgumentException>(() => AlignmentTasks.Get("arithmetics"));
        Assert.That(e!.Message, Does.Contain("'arithmetics'").And.Contain("Known tasks: arithmetic, sorted_word."));
    }
}
