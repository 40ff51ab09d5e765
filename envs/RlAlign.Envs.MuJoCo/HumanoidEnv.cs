using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// Gymnasium's <c>Humanoid-v5</c>. Observation (348): qpos[2:24], qvel, <c>cinert</c>, <c>cvel</c> of bodies 1..13,
/// <c>qfrc_actuator[6:]</c>, <c>cfrc_ext</c> of bodies 1..13; nothing clipped. Reward
/// <c>1.25·x_vel(mass-weighted centre of xipos) + 5·healthy − 0.1·Σctrl² − min(5e-7·Σcfrc_ext², 10)</c>.
/// Healthy (strict): 1 &lt; z &lt; 2; terminates when unhealthy. Reset: qpos + U(±0.01), qvel = U(±0.01).
/// </summary>
public sealed class HumanoidEnv : MuJoCoEnv
{
    public const string Id = "Humanoid-v5";
    public const double ForwardRewardWeight = 1.25;
    public const double HealthyReward = 5.0;
    public const double ControlCostWeight = 0.1;
    public const double ContactCostWeight = 5e-7;
    public const double MaxContactCost = 10.0;

    private readonly double[] _bodyMass;
    private readonly double _totalMass;

    public HumanoidEnv(EnvOptions? options = null)
        : base(options, "humanoid.xml", frameSkip: 5, defaultResetNoiseScale: 1e-2, counts: (24, 23, 17))
    {
        if (Model.Nbody != 14)
        {
            Dispose();
            throw new ArgumentException($"{Id}: model '{Model.Path}' has {Model.Nbody} bodies; the observation needs the world and 13 more.");
        }
        _bodyMass = Model.BodyMass.ToArray();
        foreach (double m in _bodyMass) _totalMass += m;
    }

    public override Space ObservationSpace { get; } = UnboundedBox(348);
    protected override string DefaultId => Id;

    public bool IsHealthy => Data.Qpos[2] > 1.0 && Data.Qpos[2] < 2.0;

    /// <summary>x of <c>Σ mass·xipos / Σ mass</c> over all bodies (Gymnasium's <c>mass_center</c>).</summary>
    public double MassCenterX()
    {
        ReadOnlySpan<double> xipos = Data.Xipos;
        double sum = 0;
        for (int b = 0; b < _bodyMass.Length; b++) sum += _bodyMass[b] * xipos[3 * b];
        return sum / _totalMass;
    }

    /// <summary><c>min(5e-7·Σ cfrc_ext², 10)</c>.</summary>
    public double ContactCost()
    {
        double sum = 0;
        foreach (double f in Data.CfrcExt) sum += f * f;
        return Math.Min(ContactCostWeight * sum, MaxContactCost);
    }

    protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, InitQpos, qpos);
        AddUniform(random, -ResetNoiseScale, ResetNoiseScale, [], qvel);
    }

    protected override StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation)
    {
        double xBefore = MassCenterX();
        DoSimulation(action);
        double xVelocity = (MassCenterX() - xBefore) / Dt;
        WriteObservation(observation);
        bool healthy = IsHealthy;
        // Gymnasium's v5 control cost squares data.ctrl (float64), not the float32 action.
        double control = 0;
        foreach (double c in Data.Ctrl) control += c * c;
        double reward = ForwardRewardWeight * xVelocity + (healthy ? HealthyReward : 0)
            - ControlCostWeight * control - ContactCost();
        return new StepResult(reward, !healthy, false);
    }

    public override void WriteObservation(Span<float> observation)
    {
        int o = 0;
        ReadOnlySpan<double> qpos = Data.Qpos;
        for (int i = 2; i < qpos.Length; i++) observation[o++] = (float)qpos[i];
        foreach (double v in Data.Qvel) observation[o++] = (float)v;
        ReadOnlySpan<double> cinert = Data.Cinert, cvel = Data.Cvel, actuator = Data.QfrcActuator, external = Data.CfrcExt;
        for (int i = 10; i < cinert.Length; i++) observation[o++] = (float)cinert[i];
        for (int i = 6; i < cvel.Length; i++) observation[o++] = (float)cvel[i];
        for (int i = 6; i < actuator.Length; i++) observation[o++] = (float)actuator[i];
        for (int i = 6; i < external.Length; i++) observation[o++] = (float)external[i];
    }
}
