namespace RlAlign.Core.Tests.TestEnvs;

/// <summary>Registers the test envs under the <c>RlAlignTest/</c> namespace, found by <see cref="Envs"/>' discovery.</summary>
public sealed class TestEnvRegistrar : IEnvRegistrar
{
    public const string CounterId = "RlAlignTest/Counter-v0";
    public const string RandomWalkId = "RlAlignTest/RandomWalk-v0";

    public void Register(EnvRegistry registry)
    {
        registry.Register(new EnvSpec(CounterId, options => new CounterEnv(options.Get("episode_length", 5)),
            Description: "Test env: reward t at step t, terminates after episode_length steps."));
        registry.Register(new EnvSpec(RandomWalkId, options => new RandomWalkEnv(options.Get("initial_seed", 0UL)),
            MaxEpisodeSteps: 50, Description: "Test env: a noisy 1-D walk."));
    }
}
