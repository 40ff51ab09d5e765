using RlAlign.Core;

namespace RlAlign.Envs.Gymnasium;

/// <summary>Makes every <c>gym:ID</c> id available through <c>Envs.Make</c>, resolved by <see cref="GymnasiumEnvs.Make"/>.</summary>
public sealed class GymnasiumEnvRegistrar : IEnvRegistrar
{
    // Python starts only when a gym: id is first made, not when the registry is built.
    public void Register(EnvRegistry registry)
        => registry.RegisterPrefix(GymnasiumEnvs.Prefix, (id, options) => GymnasiumEnvs.Make(id, options), "any Python Gymnasium id, through gymnasium.make");
}
