using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>HalfCheetah-v5</c>. Observation (17): qpos[1:9] (root x excluded) and qvel (unclipped).
/// Reward <c>x_vel − 0.1·Σa²</c> with x_vel = Δqpos[0]/dt; never terminates. Reset: qpos + U(±0.1),
/// qvel = 0.1·N(0,1) (NumPy's normal draws, so a seed gives Gymnasium's state).
/// </summary>
public sealed class HalfCheetahEnv(EnvOptions? options = null)
    : MuJoCoEnv(options, "half_cheetah.xml", frameSkip: 5, defaultResetNoiseScale: 0.1, counts: (9, 9, 6))
{
    public const string Id = "HalfCheetah-v5";
    public const double ForwardRewardWeight = 1.0;
    public const double ControlCostWeight = 0.1;

    public override Space ObservationSpace { get; } = UnboundedBox(17);
    protected override string DefaultId => Id;

    protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, InitQpos, qpos);
        AddNormal(random, ResetNoiseScale, [], qvel);
    }

    protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        double xBefore = Data.Qpos[0];
        DoSimulation(action);
        double xVelocity = (Data.Qpos[0] - xBefore) / Dt;
        WriteObservation(observation);
        return new StepResult(ForwardRewardWeight * xVelocity - ControlCostWeight * SquaredSum(action), false, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        for (int i = 1; i < 9; i++) observation[i - 1] = (float)qpos[i];
        for (int i = 0; i < 9; i++) observation[8 + i] = (float)qvel[i];
    }
}
