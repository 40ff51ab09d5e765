using RlAlign.Core;

namespace RlAlign.Envs.Classic;

/// <summary>Registers Gymnasium's classic control ids with their registered time limits and reward thresholds.</summary>
public sealed class ClassicControlEnvs : IEnvRegistrar
{
    public void Register(EnvRegistry registry)
    {
        registry.Register(new EnvSpec(CartPoleEnv.Id, options => new CartPoleEnv(options),
            MaxEpisodeSteps: 500, RewardThreshold: 475.0,
            Description: "Balance a pole on a cart by pushing it left or right (Gymnasium CartPole-v1)."));
        registry.Register(new EnvSpec(AcrobotEnv.Id, options => new AcrobotEnv(options),
            MaxEpisodeSteps: 500, RewardThreshold: -100.0,
            Description: "Swing the tip of a two-link chain above a line with torque on the middle joint (Gymnasium Acrobot-v1)."));
        registry.Register(new EnvSpec(MountainCarEnv.Id, options => new MountainCarEnv(options),
            MaxEpisodeSteps: 200, RewardThreshold: -110.0,
            Description: "Drive an underpowered car up a hill by rocking it; discrete pushes (Gymnasium MountainCar-v0)."));
        registry.Register(new EnvSpec(MountainCarContinuousEnv.Id, options => new MountainCarContinuousEnv(options),
            MaxEpisodeSteps: 999, RewardThreshold: 90.0,
            Description: "Drive an underpowered car up a hill by rocking it; continuous force (Gymnasium MountainCarContinuous-v0)."));
        registry.Register(new EnvSpec(PendulumEnv.Id, options => new PendulumEnv(options),
            MaxEpisodeSteps: 200,
            Description: "Swing a pendulum upright and hold it with a bounded torque (Gymnasium Pendulum-v1)."));
    }
}
