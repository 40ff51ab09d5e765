using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Hopper-v5</c>. Observation (11): qpos[1:6] and qvel clipped to ±10. Reward
/// <c>x_vel + 1·healthy − 1e-3·Σa²</c>. Healthy (strict bounds): z &gt; 0.7, |angle| &lt; 0.2, and qpos[2:] and qvel
/// inside ±100; terminates when unhealthy. Reset: qpos + U(±0.005), qvel = U(±0.005).
/// </summary>
public sealed class HopperEnv(EnvOptions? options = null)
    : MuJoCoEnv(options, "hopper.xml", frameSkip: 4, defaultResetNoiseScale: 5e-3, counts: (6, 6, 3))
{
    public const string Id = "Hopper-v5";
    public const double HealthyReward = 1.0;
    public const double ControlCostWeight = 1e-3;

    public override Space ObservationSpace { get; } = UnboundedBox(11);
    protected override string DefaultId => Id;

    /// <summary>Gymnasium's <c>is_healthy</c> for the current state.</summary>
    public bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
            for (int i = 2; i < qpos.Length; i++) if (!(qpos[i] > -100 && qpos[i] < 100)) return false;
            foreach (double v in qvel) if (!(v > -100 && v < 100)) return false;
            return qpos[1] > 0.7 && qpos[2] > -0.2 && qpos[2] < 0.2;
        }
    }

    protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, InitQpos, qpos);
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, [], qvel);
    }

    protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        double xBefore = Data.Qpos[0];
        DoSimulation(action);
        double xVelocity = (Data.Qpos[0] - xBefore) / Dt;
        WriteObservation(observation);
        bool healthy = IsHealthy;
        double reward = xVelocity + (healthy ? HealthyReward : 0) - ControlCostWeight * SquaredSum(action);
        return new StepResult(reward, !healthy, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        for (int i = 1; i < 6; i++) observation[i - 1] = (float)qpos[i];
        for (int i = 0; i < 6; i++) observation[5 + i] = (float)Math.Clamp(qvel[i], -10, 10);
    }
}
