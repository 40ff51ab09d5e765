using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>InvertedDoublePendulum-v5</c>. Observation (9): cart x, sin and cos of both hinge angles,
/// qvel clipped to ±10, and the cart's constraint force clipped to ±10. Reward
/// <c>10·[not terminated] − (0.01·x_tip² + (z_tip − 2)²) − (1e-3·ω₁² + 5e-3·ω₂²)</c> with the tip site's position
/// as MuJoCo left it after the last substep; terminates when z_tip ≤ 1. Reset: qpos + U(±0.1), qvel = 0.1·N(0,1)
/// (NumPy's normal draws, so a seed gives Gymnasium's state).
/// </summary>
public sealed class InvertedDoublePendulumEnv : MuJoCoEnv
{
    public const string Id = "InvertedDoublePendulum-v5";
    public const double HealthyReward = 10.0;

    private readonly int _tip;

    public InvertedDoublePendulumEnv(EnvOptions? options = null)
        : base(options, "inverted_double_pendulum.xml", frameSkip: 5, defaultResetNoiseScale: 0.1, counts: (3, 3, 1))
    {
        if (Model.Nsite < 1) throw new ArgumentException($"{Id}: model '{Model.Path}' needs a site at the tip of the second pole.");
        _tip = 0; // Gymnasium reads site_xpos[0], the model's only site
    }

    public override Space ObservationSpace { get; } = UnboundedBox(9);
    protected override string DefaultId => Id;

    protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, InitQpos, qpos);
        AddNormal(random, ResetNoiseScale, [], qvel);
    }

    protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        DoSimulation(action);
        ReadOnlySpan<double> tip = Data.SiteXpos.Slice(3 * _tip, 3);
        double x = tip[0], z = tip[2];
        WriteObservation(observation);
        bool terminated = z <= 1;
        ReadOnlySpan<double> qvel = Data.Qvel;
        double distancePenalty = 0.01 * x * x + (z - 2) * (z - 2);
        double velocityPenalty = 1e-3 * qvel[1] * qvel[1] + 5e-3 * qvel[2] * qvel[2];
        double alive = terminated ? 0 : HealthyReward;
        return new StepResult(alive - distancePenalty - velocityPenalty, terminated, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        observation[0] = (float)qpos[0];
        observation[1] = (float)Math.Sin(qpos[1]);
        observation[2] = (float)Math.Sin(qpos[2]);
        observation[3] = (float)Math.Cos(qpos[1]);
        observation[4] = (float)Math.Cos(qpos[2]);
        for (int i = 0; i < 3; i++) observation[5 + i] = (float)Math.Clamp(qvel[i], -10, 10);
        observation[8] = (float)Math.Clamp(Data.QfrcConstraint[0], -10, 10);
    }
}
