using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;
using RlAlign.Core.Wrappers;

namespace RlAlign.Core.Tests.Registry;

public class EnvsMakeTests
{
    [Test]
    public void RegisteredEnvsAreDiscovered()
        => Assert.That(Envs.Ids, Does.Contain(TestEnvRegistrar.CounterId).And.Contain(TestEnvRegistrar.RandomWalkId));

    [Test]
    public void UnknownIdSuggestsTheNearestIds()
    {
        var e = Assert.Throws<UnknownEnvException>(() => Envs.Make("RlAlignTest/Countr-v0"));
        Assert.That(e!.Id, Is.EqualTo("RlAlignTest/Countr-v0"));
        Assert.That(e.Suggestions[0], Is.EqualTo(TestEnvRegistrar.CounterId));
        Assert.That(e.Message, Does.Contain("Did you mean").And.Contain(TestEnvRegistrar.CounterId));
    }

    [Test]
    public void AnIdNothingResemblesGetsNoSuggestions()
    {
        var e = Assert.Throws<UnknownEnvException>(() => Envs.Make("Zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-v9"));
        Assert.That(e!.Suggestions, Is.Empty);
        Assert.That(e.Message, Does.Not.Contain("Did you mean"));
    }

    [Test]
    public void SuggestionsAreOrderedByEditDistanceAndCappedAtThree()
    {
        string[] known = ["CartPole-v1", "CartPole-v0", "Pendulum-v1", "Acrobot-v1", "CartPale-v1"];
        Assert.That(Envs.Suggestions("CartPole-v2", known), Is.EqualTo(new[] { "CartPole-v0", "CartPole-v1", "CartPale-v1" }));
        Assert.That(Envs.Suggestions("cartpole-V1", known)[0], Is.EqualTo("CartPole-v1"), "case is ignored");
    }

    [Test]
    public void UnknownOptionNamesAreReported()
    {
        var options = new EnvOptions { ["episode_lenght"] = 3 };
        var e = Assert.Throws<ArgumentException>(() => Envs.Make(TestEnvRegistrar.CounterId, options));
        Assert.That(e!.Message, Does.Contain("'episode_lenght'").And.Contain(TestEnvRegistrar.CounterId));
    }

    [Test]
    public void OptionsReachTheEnvAndMaxEpisodeStepsAddsATimeLimit()
    {
        using IEnv plain = Envs.Make(TestEnvRegistrar.CounterId, new EnvOptions { ["episode_length"] = 7 });
        Assert.That(((CounterEnv)plain.Unwrapped).EpisodeLength, Is.EqualTo(7));
        Assert.That(plain.FindWrapper<TimeLimit>(), Is.Null);

        using IEnv limited = Envs.Make(TestEnvRegistrar.RandomWalkId, new EnvOptions { ["max_episode_steps"] = 9 });
        Assert.That(limited.FindWrapper<TimeLimit>()!.MaxEpisodeSteps, Is.EqualTo(9));
        Assert.That(limited.Spec!.MaxEpisodeSteps, Is.EqualTo(9));
    }

    [Test]
    public void BadlyTypedOptionIsReported()
    {
        var e = Assert.Throws<ArgumentException>(() => Envs.Make(TestEnvRegistrar.CounterId, new EnvOptions { ["episode_length"] = "five" }));
        Assert.That(e!.Message, Does.Contain("episode_length").And.Contain("five"));
    }

    [Test]
    public void ALocalRegistryRejectsDuplicatesAndListsIdsSorted()
    {
        var registry = new EnvRegistry();
        registry.Register(new EnvSpec("b-v0", _ => new CounterEnv()));
        registry.Register(new EnvSpec("a-v0", _ => new CounterEnv()));
        Assert.That(registry.Ids, Is.EqualTo(new[] { "a-v0", "b-v0" }));
        Assert.That(registry.TryGet("a-v0", out EnvSpec spec) && spec.Id == "a-v0", Is.True);
        Assert.That(registry.TryGet("c-v0", out _), Is.False);
        Assert.That(Assert.Throws<InvalidOperationException>(() => registry.Register(new EnvSpec("a-v0", _ => new CounterEnv())))!.Message, Does.Contain("a-v0"));
    }
}
