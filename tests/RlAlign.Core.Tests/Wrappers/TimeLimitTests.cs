using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Wrappers;

public class TimeLimitTests
{
    [Test]
    public void TruncatesExactlyAtTheLimitAndRestartsCountingOnReset()
    {
        using var env = new TimeLimit(new CounterEnv(episodeLength: 100), 3);
        for (int episode = 0; episode < 2; episode++)
        {
            env.Reset();
            Assert.That(env.ElapsedSteps, Is.Zero);
            for (int t = 1; t <= 3; t++)
            {
                (_, _, bool terminated, bool truncated) = env.Step([0f]);
                Assert.That(terminated, Is.False);
                Assert.That(truncated, Is.EqualTo(t == 3), $"episode {episode}, step {t}");
            }
        }
    }

    [Test]
    public void TerminationAtTheLimitReportsBothFlags()
    {
        using var env = new TimeLimit(new CounterEnv(episodeLength: 2), 2);
        env.Reset();
        env.Step([0f]);
        (_, _, bool terminated, bool truncated) = env.Step([0f]);
        Assert.That(terminated && truncated, Is.True);
    }

    [Test]
    public void NonPositiveLimitIsRejected()
        => Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TimeLimit(new CounterEnv(), 0));
}
