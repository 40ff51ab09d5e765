using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Walker2d-v5</c> (v5 model: both feet friction 1.9). Observation (17): qpos[1:9] and qvel
/// clipped to ±10. Reward <c>x_vel + 1·healthy − 1e-3·Σa²</c>. Healthy (strict): 0.8 &lt; z &lt; 2 and
/// −1 &lt; angle &lt; 1; terminates when unhealthy. Reset: qpos + U(±0.005), qvel = U(±0.005).
/// </summary>
public sealed class Walker2dEnv(EnvOptions? options = null)
    : MuJoCoEnv(options, "walker2d_v5.xml", frameSkip: 4, defaultResetNoiseScale: 5e-3, counts: (9, 9, 6))
{
    public const string Id = "Walker2d-v5";
    public const double HealthyReward = 1.0;
    public const double ControlCostWeight = 1e-3;

    public override Space ObservationSpace { get; } = UnboundedBox(17);
    protected override string DefaultId => Id;

    /// <summary>Gymnasium's <c>is_healthy</c> for the current state.</summary>
    public bool IsHealthy
    {
        get
        {
            ReadOnlySpan<double> qpos = Data.Qpos;
            return qpos[1] > 0.8 && qpos[1] < 2.0 && qpos[2] > -1 && qpos[2] < 1;
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
        for (int i = 1; i < 9; i++) observation[i - 1] = (float)qpos[i];
        for (int i = 0; i < 9; i++) observation[8 + i] = (float)Math.Clamp(qvel[i], -10, 10);
    }
}
