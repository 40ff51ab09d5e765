using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>InvertedPendulum-v5</c>: keep a hinged pole on a cart upright. Observation
/// <c>[qpos (cart x, pole angle), qvel]</c>; reward 1 per non-terminating step; terminates when an observation
/// entry is non-finite or |angle| &gt; 0.2. Reset noise U(±0.01) on qpos and qvel.
/// </summary>
public sealed class InvertedPendulumEnv(EnvOptions? options = null)
    : MuJoCoEnv(options, "inverted_pendulum.xml", frameSkip: 2, defaultResetNoiseScale: 0.01, counts: (2, 2, 1))
{
    public const string Id = "InvertedPendulum-v5";

    public override Space ObservationSpace { get; } = UnboundedBox(4);
    protected override string DefaultId => Id;

    protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, InitQpos, qpos);
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, [], qvel);
    }

    protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        DoSimulation(action);
        WriteObservation(observation);
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        // Gymnasium checks the float64 observation, i.e. qpos and qvel.
        bool finite = double.IsFinite(qpos[0]) && double.IsFinite(qpos[1]) && double.IsFinite(qvel[0]) && double.IsFinite(qvel[1]);
        bool terminated = !finite || Math.Abs(qpos[1]) > 0.2;
        return new StepResult(terminated ? 0 : 1, terminated, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        observation[0] = (float)qpos[0];
        observation[1] = (float)qpos[1];
        observation[2] = (float)qvel[0];
        observation[3] = (float)qvel[1];
    }
}
