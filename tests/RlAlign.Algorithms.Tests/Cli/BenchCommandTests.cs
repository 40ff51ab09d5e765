using RlAlign.Cli.Commands;

namespace RlAlign.Algorithms.Tests.Cli;

public class BenchCommandTests
{
    [Test]
    public void ThresholdStepNeedsAFullWindowWhoseMeanReachesTheGoal()
    {
        (long, double)[] episodes = [(10, 500), (20, 100), (30, 400), (40, 500), (50, 500)];

        // A single 500 before the window fills does not count; the first full window with mean >= 450 ends at step 50.
        Assert.That(BenchCommand.FirstStepReaching(episodes, goal: 450, window: 3), Is.EqualTo(50));
        Assert.That(BenchCommand.FirstStepReaching(episodes, goal: 300, window: 3), Is.EqualTo(30));
        Assert.That(BenchCommand.FirstStepReaching(episodes, goal: 501, window: 3), Is.Null);
        Assert.That(BenchCommand.FirstStepReaching(episodes[..2], goal: 0, window: 3), Is.Null);
    }
}
