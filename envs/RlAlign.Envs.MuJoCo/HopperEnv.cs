using RlAlign.Core;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Hopper-v5</c> (see <see cref="PlanarWalkerEnv"/>). Observation (11): qpos[1:6] and qvel clipped
/// to ±10. Healthy (strict bounds): z &gt; 0.7, |angle| &lt; 0.2, and qpos[2:] and qvel inside ±100.
/// </summary>
public sealed class HopperEnv(EnvOptions? options = null) : PlanarWalkerEnv(options, "hopper.xml", counts: (6, 6, 3))
{
    public const string Id = "Hopper-v5";

    protected override string DefaultId => Id;

    public override bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
            for (int i = 2; i < qpos.Length; i++) if (!(qpos[i] > -100 && qpos[i] < 100)) return false;
            foreach (double v in qvel) if (!(v > -100 && v < 100)) return false;
            return qpos[1] > 0.7 && qpos[2] > -0.2 && qpos[2] < 0.2;
        }
    }
}
