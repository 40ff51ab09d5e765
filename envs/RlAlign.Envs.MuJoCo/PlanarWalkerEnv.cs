using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// What Gymnasium's <c>Hopper-v5</c> and <c>Walker2d-v5</c> share: a planar body whose qpos starts with
/// (x, z, angle). Observation: qpos[1:] and qvel clipped to ±10. Reward <c>x_vel + 1·healthy − 1e-3·Σa²</c>;
/// terminates when unhealthy. Reset: qpos + U(±noise), qvel = U(±noise). Each task defines what healthy means.
/// </summary>
public abstract class PlanarWalkerEnv(EnvOptions? options, string asset, (int Nq, int Nv, int Nu) counts)
    : MuJoCoEnv(options, asset, frameSkip: 4, defaultResetNoiseScale: 5e-3, counts)
{
    public const double HealthyReward = 1.0;
    public const double ControlCostWeight = 1e-3;

    public override Space ObservationSpace { get; } = UnboundedBox(counts.Nq - 1 + counts.Nv);

    /// <summary>Gymnasium's <c>is_healthy</c> for the current state.</summary>
    public abstract bool IsHealthy { get; }

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
        for (int i = 1; i < qpos.Length; i++) observation[i - 1] = (float)qpos[i];
        for (int i = 0; i < qvel.Length; i++) observation[qpos.Length - 1 + i] = (float)Math.Clamp(qvel[i], -10, 10);
    }
}
