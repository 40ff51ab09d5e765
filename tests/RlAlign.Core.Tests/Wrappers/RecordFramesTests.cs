using NUnit.Framework;
using RlAlign.Core.Wrappers;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Envs.Classic;

namespace RlAlign.Core.Tests.Wrappers;

public class RecordFramesTests
{
    [Test]
    public void RecordsTheResetAndEveryStepOfTheFirstEpisodesOnly()
    {
        using var env = new RecordFrames(new TimeLimit(new CartPoleEnv(), maxEpisodeSteps: 5), episodesToRecord: 1);
        var observation = new float[4];
        env.Reset(observation, seed: 0);
        for (int i = 0; i < 5; i++) env.Step([1f], observation);
        env.Reset(observation);
        env.Step([0f], observation);

        Assert.That(env.Frames, Has.Count.EqualTo(6));
        Assert.That(env.Frames[0].Rgb, Is.Not.EqualTo(env.Frames[5].Rgb), "the cart moved, so the frames differ");
    }

    [Test]
    public void SaysWhichEnvCannotBeRecorded()
    {
        using var env = new RecordFrames(new CounterEnv());
        Assert.That(() => env.Reset(new float[env.ObservationSpace.FlatSize], seed: 0),
            Throws.TypeOf<NotSupportedException>().With.Message.Contains("CounterEnv does not render"));
    }
}
