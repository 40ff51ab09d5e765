using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.Classic;

/// <summary>
/// Gymnasium's <c>CartPole-v1</c> (<c>classic_control/cartpole.py</c>): a pole on a cart, pushed left (0)
/// or right (1) with a fixed force. Euler integration in float64; the observation is the float32 cast of
/// the state <c>[x, ẋ, θ, θ̇]</c>. Option <c>sutton_barto_reward</c> (default false) gives 0 per step and
/// -1 on failure instead of +1 per step.
/// </summary>
public sealed class CartPoleEnv : ClassicControlEnv
{
    public const string Id = "CartPole-v1";

    private const double Gravity = 9.8;
    private const double MassCart = 1.0;
    private const double MassPole = 0.1;
    private const double TotalMass = MassPole + MassCart;
    private const double HalfPoleLength = 0.5;
    private const double PoleMassLength = MassPole * HalfPoleLength;
    private const double ForceMagnitude = 10.0;
    private const double Tau = 0.02;

    /// <summary>The episode fails when |θ| exceeds 12° or |x| exceeds 2.4.</summary>
    public const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;
    public const double XThreshold = 2.4;

    private readonly bool _suttonBartoReward;
    private double _x, _xDot, _theta, _thetaDot;

    // Gymnasium's steps_beyond_terminated: null until the pole falls, then counts the steps taken after
    // termination (which earn 0 reward, or -1 with the Sutton-Barto reward).
    private int? _stepsBeyondTerminated;

    public CartPoleEnv(EnvOptions? options = null)
    {
        _suttonBartoReward = options?.Get("sutton_barto_reward", false) ?? false;
        // Angle limit is twice the failure angle so the failing observation is still within bounds.
        float[] high = [(float)(XThreshold * 2), float.MaxValue, (float)(ThetaThresholdRadians * 2), float.MaxValue];
        ObservationSpace = new Box(Array.ConvertAll(high, h => -h), high);
    }

    public override Space ObservationSpace { get; }
    public override Space ActionSpace { get; } = new Discrete(2);
    public bool SuttonBartoReward => _suttonBartoReward;
    public int? StepsBeyondTerminated => _stepsBeyondTerminated;

    protected override string DefaultId => Id;
    protected override int StateLength => 4;

    public override void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)_x;
        observation[1] = (float)_xDot;
        observation[2] = (float)_theta;
        observation[3] = (float)_thetaDot;
    }

    protected override void ResetPhysics(NumpyGenerator random, EnvOptions? options)
    {
        (double low, double high) = ResetBounds.Parse(options, -0.05, 0.05);
        // uniform(low, high, size=(4,)) draws the elements in order.
        _x = random.Uniform(low, high);
        _xDot = random.Uniform(low, high);
        _theta = random.Uniform(low, high);
        _thetaDot = random.Uniform(low, high);
        _stepsBeyondTerminated = null;
    }

    protected override StepResult StepPhysics(ReadOnlySpan<float> action, Span<float> observation)
    {
        double force = ReadDiscreteAction(action) == 1 ? ForceMagnitude : -ForceMagnitude;
        double cosTheta = Math.Cos(_theta);
        double sinTheta = Math.Sin(_theta);

        // Same operations in the same order as Gymnasium, so the float64 results are bit-identical.
        double temp = (force + PoleMassLength * (_thetaDot * _thetaDot) * sinTheta) / TotalMass;
        double thetaAcc = (Gravity * sinTheta - cosTheta * temp)
            / (HalfPoleLength * (4.0 / 3.0 - MassPole * (cosTheta * cosTheta) / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cosTheta / TotalMass;

        // kinematics_integrator = "euler": positions advance with the old velocities.
        _x += Tau * _xDot;
        _xDot += Tau * xAcc;
        _theta += Tau * _thetaDot;
        _thetaDot += Tau * thetaAcc;

        bool terminated = _x < -XThreshold || _x > XThreshold || _theta < -ThetaThresholdRadians || _theta > ThetaThresholdRadians;

        double reward;
        if (!terminated)
        {
            reward = _suttonBartoReward ? 0.0 : 1.0;
        }
        else if (_stepsBeyondTerminated is null)
        {
            // The pole just fell: the terminating step still earns +1 (Gymnasium's default reward).
            _stepsBeyondTerminated = 0;
            reward = _suttonBartoReward ? -1.0 : 1.0;
        }
        else
        {
            // Stepping past termination is undefined behaviour in Gymnasium (it warns once); it pays 0.
            _stepsBeyondTerminated++;
            reward = _suttonBartoReward ? -1.0 : 0.0;
        }

        WriteObservation(observation);
        return new StepResult(reward, terminated, false);
    }

    protected override void ReadPhysicsState(Span<double> state)
    {
        state[0] = _x;
        state[1] = _xDot;
        state[2] = _theta;
        state[3] = _thetaDot;
    }

    protected override void WritePhysicsState(ReadOnlySpan<double> state)
    {
        _x = state[0];
        _xDot = state[1];
        _theta = state[2];
        _thetaDot = state[3];
    }

    protected override void SaveExtraState(BinaryWriter writer) => writer.Write(_stepsBeyondTerminated ?? -1);

    protected override void LoadExtraState(BinaryReader reader)
    {
        int steps = reader.ReadInt32();
        _stepsBeyondTerminated = steps < 0 ? null : steps;
    }

    protected override RenderFrame Draw()
    {
        // Gymnasium's CartPoleEnv.render, drawn in pygame's y-up world and flipped at the end.
        const int width = 600, height = 400;
        const double worldWidth = XThreshold * 2;
        const double scale = width / worldWidth;
        const double poleWidth = 10.0;
        const double poleLength = scale * (2 * HalfPoleLength);
        const double cartWidth = 50.0, cartHeight = 30.0;
        const double axleOffset = cartHeight / 4.0;
        const double cartY = 100; // top of the cart

        var canvas = new Canvas(width, height);
        double cartX = _x * scale + width / 2.0;

        canvas.FillRectangle(cartX - cartWidth / 2, cartY - cartHeight / 2, cartX + cartWidth / 2, cartY + cartHeight / 2, Canvas.Black);

        // The pole is a rectangle from the axle upwards, rotated by -θ about the axle.
        ReadOnlySpan<(double X, double Y)> pole =
        [
            (-poleWidth / 2, -poleWidth / 2), (-poleWidth / 2, poleLength - poleWidth / 2),
            (poleWidth / 2, poleLength - poleWidth / 2), (poleWidth / 2, -poleWidth / 2),
        ];
        canvas.FillPolygon(Canvas.Transform(pole, -_theta, cartX, cartY + axleOffset), new Rgb(202, 152, 101));
        canvas.FillCircle((int)cartX, (int)(cartY + axleOffset), (int)(poleWidth / 2), new Rgb(129, 132, 203));
        canvas.DrawHorizontalLine(0, width, (int)cartY, Canvas.Black);
        return canvas.ToFrame(flipVertically: true);
    }
}
