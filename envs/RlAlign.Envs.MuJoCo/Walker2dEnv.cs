using RlAlign.Core;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Walker2d-v5</c> (see <see cref="PlanarWalkerEnv"/>; v5 model: both feet friction 1.9).
/// Observation (17): qpos[1:9] and qvel clipped to ±10. Healthy (strict): 0.8 &lt; z &lt; 2 and −1 &lt; angle &lt; 1.
/// </summary>
public sealed class Walker2dEnv(EnvOptions? options = null) : PlanarWalkerEnv(options, "walker2d_v5.xml", counts: (9, 9, 6))
{
    public const string Id = "Walker2d-v5";

    protected override string DefaultId => Id;

    public override bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> qpos = Data.Qpos;
            return qpos[1] > 0.8 && qpos[1] < 2.0 && qpos[2] > -1 && qpos[2] < 1;
        }
    }
}
