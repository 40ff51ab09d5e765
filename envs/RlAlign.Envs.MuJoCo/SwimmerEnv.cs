using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Swimmer-v5</c>. Observation (8): qpos[2:5] and qvel. Reward <c>x_vel − 1e-4·Σa²</c> with
/// x_vel = Δqpos[0]/dt; never terminates. Reset: qpos + U(±0.1), qvel = U(±0.1).
/// </summary>
public sealed class SwimmerEnv(EnvOptions? options = null)
    : MuJoCoEnv(options, "swimmer.xml", frameSkip: 4, defaultResetNoiseScale: 0.1, counts: (5, 5, 2))
{
    public const string Id = "Swimmer-v5";
    public const double ControlCostWeight = 1e-4;

    public override Space ObservationSpace { get; } = UnboundedBox(8);
    protected override string DefaultId => Id;

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
        return new StepResult(xVelocity - ControlCostWeight * SquaredSum(action), false, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        for (int i = 2; i < 5; i++) observation[i - 2] = (float)qpos[i];
        for (int i = 0; i < 5; i++) observation[3 + i] = (float)qvel[i];
    }
}
