using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Pusher-v5</c> (v5 model: cylinder density 0.01, no invisible sphere). Observation (23):
/// qpos[0:7], qvel[0:7], and the positions of the <c>tips_arm</c>, <c>object</c> and <c>goal</c> bodies. Reward
/// <c>−0.5·‖object − tips_arm‖ − ‖object − goal‖ − 0.1·Σa²</c> from positions after the step; never terminates.
/// Reset: the arm exactly at qpos0; goal (0, 0) into qpos[9:11]; the object drawn (U(−0.3, 0), U(−0.2, 0.2)) until it
/// is more than 0.17 from the goal, into qpos[7:9]; qvel = U(±0.005) with qvel[7:11] zeroed.
/// </summary>
public sealed class PusherEnv : MuJoCoEnv
{
    public const string Id = "Pusher-v5";
    public const double NearWeight = 0.5;
    public const double DistanceWeight = 1.0;
    public const double ControlWeight = 0.1;

    private readonly int _tipsArm;
    private readonly int _object;
    private readonly int _goal;

    public PusherEnv(EnvOptions? options = null)
        : base(options, "pusher_v5.xml", frameSkip: 5, defaultResetNoiseScale: 0.005, counts: (11, 11, 7))
    {
        _tipsArm = Model.BodyId("tips_arm");
        _object = Model.BodyId("object");
        _goal = Model.BodyId("goal");
        if (_tipsArm < 0 || _object < 0 || _goal < 0)
        {
            Dispose();
            throw new ArgumentException($"{Id}: model '{Model.Path}' needs bodies named 'tips_arm', 'object' and 'goal'.");
        }
    }

    public override Space ObservationSpace { get; } = UnboundedBox(23);
    protected override string DefaultId => Id;

    /// <summary>‖a − b‖ for two bodies' positions as MuJoCo last computed them.</summary>
    public double BodyDistance(int a, int b)
    {
        ReadOnlySpan<double> xpos = Data.Xpos;
        double dx = xpos[3 * a] - xpos[3 * b], dy = xpos[3 * a + 1] - xpos[3 * b + 1], dz = xpos[3 * a + 2] - xpos[3 * b + 2];
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        InitQpos.CopyTo(qpos);
        double objectA, objectB;
        do
        {
            objectA = random.Uniform(-0.3, 0);
            objectB = random.Uniform(-0.2, 0.2);
        }
        while (!(Math.Sqrt(objectA * objectA + objectB * objectB) > 0.17));
        qpos[7] = objectA;
        qpos[8] = objectB;
        qpos[9] = 0;
        qpos[10] = 0;
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, [], qvel);
        qvel[7..].Clear();
    }

    protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        DoSimulation(action);
        WriteObservation(observation);
        double reward = -NearWeight * BodyDistance(_object, _tipsArm) - DistanceWeight * BodyDistance(_object, _goal)
            - ControlWeight * SquaredSum(action);
        return new StepResult(reward, false, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel, xpos = Data.Xpos;
        for (int i = 0; i < 7; i++) observation[i] = (float)qpos[i];
        for (int i = 0; i < 7; i++) observation[7 + i] = (float)qvel[i];
        for (int k = 0; k < 3; k++)
        {
            observation[14 + k] = (float)xpos[3 * _tipsArm + k];
            observation[17 + k] = (float)xpos[3 * _object + k];
            observation[20 + k] = (float)xpos[3 * _goal + k];
        }
    }
}
