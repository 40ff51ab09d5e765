using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Reacher-v5</c>. Observation (10): cos and sin of both arm angles, target x/y (qpos[2:4]),
/// arm velocities, and (fingertip − target) x/y. Reward <c>−‖fingertip − target‖ − Σa²</c> from body positions
/// after the step; never terminates. Reset: qpos + U(±0.1), then a goal drawn U(±0.2)² until its norm &lt; 0.2
/// into qpos[2:4]; qvel = U(±0.005) with the target's velocity zeroed.
/// </summary>
public sealed class ReacherEnv : MuJoCoEnv
{
    public const string Id = "Reacher-v5";
    public const double DistanceWeight = 1.0;
    public const double ControlWeight = 1.0;

    private readonly int _fingertip;
    private readonly int _target;

    public ReacherEnv(EnvOptions? options = null)
        : base(options, "reacher.xml", frameSkip: 2, defaultResetNoiseScale: 0.1, counts: (4, 4, 2))
    {
        _fingertip = Model.BodyId("fingertip");
        _target = Model.BodyId("target");
        if (_fingertip < 0 || _target < 0)
        {
            Dispose();
            throw new ArgumentException($"{Id}: model '{Model.Path}' needs bodies named 'fingertip' and 'target'.");
        }
    }

    public override Space ObservationSpace { get; } = UnboundedBox(10);
    protected override string DefaultId => Id;

    /// <summary>Fingertip minus target body position (x, y, z), as MuJoCo last computed them.</summary>
    public (double X, double Y, double Z) FingertipToTarget
    {
        get
        {
            ReadOnlySpan<double> xpos = Data.Xpos;
            return (xpos[3 * _fingertip] - xpos[3 * _target],
                xpos[3 * _fingertip + 1] - xpos[3 * _target + 1],
                xpos[3 * _fingertip + 2] - xpos[3 * _target + 2]);
        }
    }

    protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, -0.1, 0.1, InitQpos, qpos);
        double goalX, goalY;
        do
        {
            goalX = random.Uniform(-0.2, 0.2);
            goalY = random.Uniform(-0.2, 0.2);
        }
        while (!(Math.Sqrt(goalX * goalX + goalY * goalY) < 0.2));
        qpos[2] = goalX;
        qpos[3] = goalY;
        AddUniform(random, -0.005, 0.005, [], qvel);
        qvel[2] = 0;
        qvel[3] = 0;
    }

    protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        DoSimulation(action);
        WriteObservation(observation);
        (double dx, double dy, double dz) = FingertipToTarget;
        double distance = Math.Sqrt(dx * dx + dy * dy + dz * dz);
        return new StepResult(-DistanceWeight * distance - ControlWeight * SquaredSum(action), false, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        observation[0] = (float)Math.Cos(qpos[0]);
        observation[1] = (float)Math.Cos(qpos[1]);
        observation[2] = (float)Math.Sin(qpos[0]);
        observation[3] = (float)Math.Sin(qpos[1]);
        observation[4] = (float)qpos[2];
        observation[5] = (float)qpos[3];
        observation[6] = (float)qvel[0];
        observation[7] = (float)qvel[1];
        (double dx, double dy, _) = FingertipToTarget;
        observation[8] = (float)dx;
        observation[9] = (float)dy;
    }
}
