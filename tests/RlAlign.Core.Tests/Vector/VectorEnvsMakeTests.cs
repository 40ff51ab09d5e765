using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Vector;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Vector;

public class VectorEnvsMakeTests
{
    [TestCase(VectorMode.Sync, typeof(SyncVectorEnv))]
    [TestCase(VectorMode.Threaded, typeof(ThreadedVectorEnv))]
    public void MakesRegisteredEnvsWithTheirTimeLimitAndTheGivenWrappers(VectorMode mode, Type expectedType)
    {
        using IVectorEnv vector = VectorEnvs.Make(TestEnvRegistrar.RandomWalkId, 3, mode, wrap: env => new RecordEpisodeStatistics(env));

        Assert.That(vector, Is.InstanceOf(expectedType));
        Assert.That(vector.NumEnvs, Is.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            IEnv env = vector.GetEnv(i);
            Assert.That(env, Is.InstanceOf<RecordEpisodeStatistics>());
            Assert.That(env.FindWrapper<TimeLimit>()!.MaxEpisodeSteps, Is.EqualTo(50));
            Assert.That(env.Spec!.Id, Is.EqualTo(TestEnvRegistrar.RandomWalkId));
        }
    }

    [Test]
    public void PassesOptionsToEveryEnv()
    {
        var options = new EnvOptions { ["episode_length"] = 2 };
        using IVectorEnv vector = VectorEnvs.Make(TestEnvRegistrar.CounterId, 2, options: options);
        vector.Reset();
        vector.Step(new float[2]);
        vector.Step(new float[2]);
        Assert.That(vector.Terminations, Is.All.True);
    }

    [Test]
    public void UnknownIdIsReportedWithSuggestions()
    {
        var e = Assert.Throws<UnknownEnvException>(() => VectorEnvs.Make("RlAlignTest/Countr-v0", 2));
        Assert.That(e!.Suggestions, Does.Contain(TestEnvRegistrar.CounterId));
    }
}
