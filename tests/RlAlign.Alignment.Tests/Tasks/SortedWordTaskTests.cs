using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tasks;

namespace RlAlign.Alignment.Tests.Tasks;

public sealed class SortedWordTaskTests
{
    private readonly SortedWordTask _task = new();

    [TestCase("cdffh", 1.0, TestName = "Word reward: all constraints hold")]
    [TestCase("cccccc<|endoftext|>x", 1.0 - 1.0 / 15, TestName = "Word reward: one letter too many, EOS ends the word")]
    [TestCase("cdff", (1 + 0.8 + 1) / 3.0, TestName = "Word reward: one letter too few")]
    [TestCase("bdffh", 2 / 3.0, TestName = "Word reward: wrong first letter")]
    [TestCase("cdfeh", (1 + 1 + 0.8) / 3.0, TestName = "Word reward: one step back in the alphabet")]
    [TestCase("dcffh", (0 + 1 + 0.8) / 3.0, TestName = "Word reward: first two swapped")]
    [TestCase("", 0.0, TestName = "Word reward: empty")]
    [TestCase("5:5", (0 + 0.6 + 0) / 3.0, TestName = "Word reward: garbage earns only its length share")]
    [TestCase("cdffhijklmnop", (1 + 0 + 1) / 3.0, TestName = "Word reward: far too long")]
    public void RewardOnHandMadeCompletions(string completion, double expected)
        => Assert.That(_task.Reward("c5:", completion), Is.EqualTo(expected).Within(1e-12));

    [Test]
    public void MalformedPromptIsNamedInTheError()
    {
        var e = Assert.Throws<ArgumentException>(() => _task.Reward("c9:", "cdf"));
        Assert.That(e!.Message, Does.Contain("'c9:'").And.Contain("\"c5:\""));
    }

    [Test]
    public void DemonstrationsAreRightHalfTheTimeAndOtherwiseBreakExactlyOneConstraint()
    {
        IReadOnlyList<SftExample> demonstrations = _task.Demonstrations(4000, seed: 5);
        Assert.That(demonstrations, Is.EqualTo(_task.Demonstrations(4000, seed: 5)));
        Assert.That(demonstrations.Select(d => d.Prompt), Is.EqualTo(_task.Prompts(4000, seed: 5)));

        int correct = 0;
        var mistakes = new Dictionary<string, int> { ["start"] = 0, ["length"] = 0, ["order"] = 0 };
        foreach (SftExample d in demonstrations)
        {
            double reward = _task.Reward(d.Prompt, d.Completion);
            int n = d.Prompt[1] - '0';
            if (reward == 1.0) correct++;
            else if (Math.Abs(reward - 2 / 3.0) < 1e-12) mistakes["start"]++;
            else if (Math.Abs(reward - (2 + (1 - 1.0 / n)) / 3) < 1e-12 && d.Completion.Length != n) mistakes["length"]++;
            else if (Math.Abs(reward - (2 + (n - 1.0) / n) / 3) < 1e-12 && d.Completion.Length == n) mistakes["order"]++;
            else Assert.Fail($"'{d.Prompt}{d.Completion}' (reward {reward}) breaks more than one constraint");
        }
        Assert.That(correct / 4000.0, Is.InRange(0.47, 0.53));
        Assert.That(mistakes.Values, Has.All.GreaterThan(400), string.Join(", ", mistakes));
        Assert.That(demonstrations.All(d => _task.Tokenizer.Encode(d.Completion).Count + 1 <= _task.MaxCompletionTokens));
        Assert.That(demonstrations.Where(d => d.Prompt == "c5:").Select(d => d.Completion).Distinct().Count(), Is.GreaterThan(5), "many right answers per prompt");
    }

    [Test]
    public void PromptsCoverEveryStartLetterAndLength()
    {
        IReadOnlyList<string> prompts = _task.Prompts(1000, seed: 1);
        Assert.That(prompts.Select(p => p[0]).Distinct().Order(), Is.EqualTo("abcdefgh"));
        Assert.That(prompts.Select(p => p[1]).Distinct().Order(), Is.EqualTo("345678"));
        Assert.That(prompts, Is.Not.EqualTo(_task.Prompts(1000, seed: 2)));
    }
}
