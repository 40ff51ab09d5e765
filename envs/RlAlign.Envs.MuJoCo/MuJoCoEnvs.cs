using RlAlign.Core;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Registers the Gymnasium MuJoCo v5 ids with their registered time limits and reward thresholds. The ids are
/// registered even where MuJoCo is missing, so that making one says what to install instead of "unknown id".
/// </summary>
public sealed class MuJoCoEnvs : IEnvRegistrar
{
    public void Register(EnvRegistry registry)
    {
        registry.Register(new EnvSpec(InvertedPendulumEnv.Id, options => new InvertedPendulumEnv(options),
            MaxEpisodeSteps: 1000, RewardThreshold: 950.0,
            Description: "Balance a pole on a cart (Gymnasium InvertedPendulum-v5, MuJoCo)."));
        registry.Register(new EnvSpec(InvertedDoublePendulumEnv.Id, options => new InvertedDoublePendulumEnv(options),
            MaxEpisodeSteps: 1000, RewardThreshold: 9100.0,
            Description: "Balance two poles in series on a cart (Gymnasium InvertedDoublePendulum-v5, MuJoCo)."));
        registry.Register(new EnvSpec(HalfCheetahEnv.Id, options => new HalfCheetahEnv(options),
            MaxEpisodeSteps: 1000, RewardThreshold: 4800.0,
            Description: "Make a planar cheetah run forward (Gymnasium HalfCheetah-v5, MuJoCo)."));
        registry.Register(new EnvSpec(HopperEnv.Id, options => new HopperEnv(options),
            MaxEpisodeSteps: 1000, RewardThreshold: 3800.0,
            Description: "Make a one-legged planar hopper hop forward without falling (Gymnasium Hopper-v5, MuJoCo)."));
        registry.Register(new EnvSpec(Walker2dEnv.Id, options => new Walker2dEnv(options),
            MaxEpisodeSteps: 1000,
            Description: "Make a planar biped walk forward without falling (Gymnasium Walker2d-v5, MuJoCo)."));
        registry.Register(new EnvSpec(AntEnv.Id, options => new AntEnv(options),
            MaxEpisodeSteps: 1000, RewardThreshold: 6000.0,
            Description: "Make a four-legged ant walk forward without flipping (Gymnasium Ant-v5, MuJoCo)."));
        registry.Register(new EnvSpec(HumanoidEnv.Id, options => new HumanoidEnv(options),
            MaxEpisodeSteps: 1000,
            Description: "Make a 3D humanoid walk forward without falling (Gymnasium Humanoid-v5, MuJoCo)."));
        registry.Register(new EnvSpec(SwimmerEnv.Id, options => new SwimmerEnv(options),
            MaxEpisodeSteps: 1000, RewardThreshold: 360.0,
            Description: "Make a three-link swimmer move forward through a viscous fluid (Gymnasium Swimmer-v5, MuJoCo)."));
        registry.Register(new EnvSpec(ReacherEnv.Id, options => new ReacherEnv(options),
            MaxEpisodeSteps: 50, RewardThreshold: -3.75,
            Description: "Move a two-link arm's fingertip to a random target (Gymnasium Reacher-v5, MuJoCo)."));
        registry.Register(new EnvSpec(PusherEnv.Id, options => new PusherEnv(options),
            MaxEpisodeSteps: 100, RewardThreshold: 0.0,
            Description: "Push a cylinder to a goal with a 7-dof arm (Gymnasium Pusher-v5, MuJoCo)."));
    }
}
