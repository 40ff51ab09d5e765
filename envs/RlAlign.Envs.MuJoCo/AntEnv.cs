using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Ant-v5</c>. Observation (105): qpos[2:15], qvel (14), and <c>cfrc_ext</c> of bodies 1..13
/// clipped to ±1 (78). Reward <c>x_vel(torso xpos) + 1·healthy − 0.5·Σa² − 5e-4·Σ clip(cfrc_ext, ±1)²</c> (all
/// bodies). Healthy: qpos and qvel finite and 0.2 ≤ z ≤ 1.0; terminates when unhealthy. Reset: qpos + U(±0.1)
/// (the quaternion is perturbed componentwise and written unnormalized, as Gymnasium does; MuJoCo 2.2.2's
/// <c>mj_forward</c> then normalizes it in qpos), qvel = 0.1·N(0,1) (NumPy's normal draws, so a seed gives
/// Gymnasium's state).
/// </summary>
public sealed class AntEnv : MuJoCoEnv
{
    public const string Id = "Ant-v5";
    public const double HealthyReward = 1.0;
    public const double ControlCostWeight = 0.5;
    public const double ContactCostWeight = 5e-4;

    // Gymnasium's main_body = 1: the torso, whose xpos gives the forward velocity.
    private const int MainBody = 1;

    public AntEnv(EnvOptions? options = null)
        : base(options, "ant.xml", frameSkip: 5, defaultResetNoiseScale: 0.1, counts: (15, 14, 8))
    {
        if (Model.Nbody != 14)
        {
            Dispose();
            throw new ArgumentException($"{Id}: model '{Model.Path}' has {Model.Nbody} bodies; the observation needs the world and 13 more.");
        }
    }

    public override Space ObservationSpace { get; } = UnboundedBox(105);
    protected override string DefaultId => Id;

    /// <summary>Gymnasium's <c>is_healthy</c> for the current state.</summary>
    public bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
            foreach (double q in qpos) if (!double.IsFinite(q)) return false;
            foreach (double v in qvel) if (!double.IsFinite(v)) return false;
            return qpos[2] >= 0.2 && qpos[2] <= 1.0;
        }
    }

    /// <summary><c>Σ clip(cfrc_ext, −1, 1)²</c> over all bodies, before the weight.</summary>
    public double ContactForceSquaredSum()
    {
        double sum = 0;
        foreach (double f in Data.CfrcExt)
        {
            double clipped = Math.Clamp(f, -1.0, 1.0);
            sum += clipped * clipped;
        }
        return sum;
    }

    protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, InitQpos, qpos);
        AddNormal(random, ResetNoiseScale, [], qvel);
    }

    protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        double xBefore = Data.Xpos[3 * MainBody];
        DoSimulation(action);
        double xVelocity = (Data.Xpos[3 * MainBody] - xBefore) / Dt;
        WriteObservation(observation);
        bool healthy = IsHealthy;
        double reward = xVelocity + (healthy ? HealthyReward : 0)
            - ControlCostWeight * SquaredSum(action) - ContactCostWeight * ContactForceSquaredSum();
        return new StepResult(reward, !healthy, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel, forces = Data.CfrcExt;
        int o = 0;
        for (int i = 2; i < qpos.Length; i++) observation[o++] = (float)qpos[i];
        for (int i = 0; i < qvel.Length; i++) observation[o++] = (float)qvel[i];
        for (int i = 6; i < forces.Length; i++) observation[o++] = (float)Math.Clamp(forces[i], -1.0, 1.0);
    }
}
