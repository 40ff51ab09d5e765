using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Wrappers;

public class RecordEpisodeStatisticsTests
{
    [Test]
    public void ReportsTheEpisodeOnlyAfterTheStepThatEndsIt()
    {
        using var env = new RecordEpisodeStatistics(new CounterEnv(episodeLength: 4));
        env.Reset();
        for (int t = 1; t < 4; t++)
        {
            env.Step([0f]);
            Assert.That(env.EpisodeEnded, Is.False, $"step {t}");
        }
        Assert.That(env.EpisodeReturn, Is.EqualTo(1 + 2 + 3));

        env.Step([0f]);

        Assert.That(env.EpisodeEnded, Is.True);
        Assert.That(env.LastEpisodeReturn, Is.EqualTo(CounterEnv.ExpectedReturn(4)));
        Assert.That(env.LastEpisodeLength, Is.EqualTo(4));
        Assert.That(env.LastEpisodeDuration, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
        Assert.That(env.EpisodeCount, Is.EqualTo(1));
    }

    [Test]
    public void EndedFlagSurvivesResetAndClearsOnTheNextStep()
    {
        using var env = new RecordEpisodeStatistics(new CounterEnv(episodeLength: 1));
        env.Reset();
        env.Step([0f]);
        env.Reset();
        Assert.That(env.EpisodeEnded, Is.True, "a vector env's autoreset must not hide the finished episode");
        Assert.That(env.EpisodeReturn, Is.Zero);
        Assert.That(env.EpisodeLength, Is.Zero);

        env.Step([0f]);
        Assert.That(env.EpisodeEnded, Is.True);
        Assert.That(env.EpisodeCount, Is.EqualTo(2));
    }

    [Test]
    public void TruncationEndsAnEpisodeToo()
    {
        using var env = new RecordEpisodeStatistics(new TimeLimit(new CounterEnv(episodeLength: 100), 3));
        env.Reset();
        env.Step([0f]);
        env.Step([0f]);
        env.Step([0f]);
        Assert.That(env.EpisodeEnded, Is.True);
        Assert.That(env.LastEpisodeReturn, Is.EqualTo(6));
        Assert.That(env.LastEpisodeLength, Is.EqualTo(3));
    }

    [Test]
    public void RecordsRawRewardsBeneathAScalingWrapper()
    {
        var statistics = new RecordEpisodeStatistics(new CounterEnv(episodeLength: 3));
        using var env = new TransformReward(statistics, r => r * 100);
        env.Reset();
        for (int t = 0; t < 3; t++) env.Step([0f]);
        Assert.That(statistics.LastEpisodeReturn, Is.EqualTo(6));
        Assert.That(env.FindWrapper<RecordEpisodeStatistics>(), Is.SameAs(statistics));
    }
}
