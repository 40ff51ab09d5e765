using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.Classic;

/// <summary>
/// Gymnasium's <c>Pendulum-v1</c> (<c>classic_control/pendulum.py</c>): swing a pendulum up with a
/// torque in [-2, 2] (out-of-range actions are clipped). State <c>[θ, θ̇]</c> (θ = 0 is upright);
/// observation <c>[cos θ, sin θ, θ̇]</c>. Reward <c>-(norm(θ)² + 0.1 θ̇² + 0.001 u²)</c> from the state
/// before the step. Never terminates. Option <c>g</c> (default 10.0); reset options <c>x_init</c>
/// (θ bound, default π) and <c>y_init</c> (θ̇ bound, default 1).
/// </summary>
public sealed class PendulumEnv : ClassicControlEnv
{
    public const string Id = "Pendulum-v1";

    public const double MaxSpeed = 8;
    public const double MaxTorque = 2.0;
    private const double Dt = 0.05;
    private const double Mass = 1.0;
    private const double Length = 1.0;
    private const double DefaultThetaBound = Math.PI;
    private const double DefaultThetaDotBound = 1.0;

    private double _theta, _thetaDot;

    // The last clipped torque, which the renderer shows (Gymnasium's last_u); NaN until the first step.
    private double _lastTorque = double.NaN;

    public PendulumEnv(EnvOptions? options = null)
    {
        Gravity = options?.Get("g", 10.0) ?? 10.0;
    }

    public override Space ObservationSpace { get; } = new Box([-1f, -1f, (float)-MaxSpeed], [1f, 1f, (float)MaxSpeed]);
    public override Space ActionSpace { get; } = new Box((float)-MaxTorque, (float)MaxTorque, [1]);
    public double Gravity { get; }

    protected override string DefaultId => Id;
    protected override int StateLength => 2;

    public override void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)Math.Cos(_theta);
        observation[1] = (float)Math.Sin(_theta);
        observation[2] = (float)_thetaDot;
    }

    protected override void ResetPhysics(NumpyGenerator random, EnvOptions? options)
    {
        double thetaBound = options?.Get("x_init", DefaultThetaBound) ?? DefaultThetaBound;
        double thetaDotBound = options?.Get("y_init", DefaultThetaDotBound) ?? DefaultThetaDotBound;
        // uniform(low=-high, high=high) with high = [x_init, y_init]: symmetric bounds, drawn in order.
        _theta = random.Uniform(-thetaBound, thetaBound);
        _thetaDot = random.Uniform(-thetaDotBound, thetaDotBound);
        _lastTorque = double.NaN;
    }

    protected override StepResult StepPhysics(ReadOnlySpan<float> action, Span<float> observation)
    {
        // np.clip on the float32 action stays float32; the arithmetic below is float64, as in NumPy 1.x.
        double torque = Math.Clamp(ReadContinuousAction(action), (float)-MaxTorque, (float)MaxTorque);
        _lastTorque = torque;

        double normalizedTheta = AngleNormalize(_theta);
        double cost = normalizedTheta * normalizedTheta + 0.1 * (_thetaDot * _thetaDot) + 0.001 * (torque * torque);

        double newThetaDot = _thetaDot + (3 * Gravity / (2 * Length) * Math.Sin(_theta) + 3.0 / (Mass * (Length * Length)) * torque) * Dt;
        newThetaDot = Math.Clamp(newThetaDot, -MaxSpeed, MaxSpeed);
        _theta += newThetaDot * Dt;
        _thetaDot = newThetaDot;

        WriteObservation(observation);
        return new StepResult(-cost, false, false);
    }

    /// <summary>Gymnasium's <c>angle_normalize</c>: <c>((x + π) % 2π) - π</c> with Python's floored modulo.</summary>
    public static double AngleNormalize(double x)
    {
        const double period = 2 * Math.PI;
        double remainder = (x + Math.PI) % period; // C# % truncates (C fmod); NumPy's % follows the divisor's sign
        if (remainder != 0 && remainder < 0) remainder += period;
        return remainder - Math.PI;
    }

    protected override void ReadPhysicsState(Span<double> state)
    {
        state[0] = _theta;
        state[1] = _thetaDot;
    }

    protected override void WritePhysicsState(ReadOnlySpan<double> state)
    {
        _theta = state[0];
        _thetaDot = state[1];
    }

    protected override void SaveExtraState(BinaryWriter writer) => writer.Write(_lastTorque);

    protected override void LoadExtraState(BinaryReader reader) => _lastTorque = reader.ReadDouble();

    protected override RenderFrame Draw()
    {
        // Gymnasium's PendulumEnv.render: a rod from the axle at θ + π/2 with round ends, and the axle.
        const int size = 500;
        const double scale = size / (2.2 * 2);
        const int offset = size / 2;
        const double rodLength = 1 * scale, rodWidth = 0.2 * scale;
        var rodColor = new Rgb(204, 77, 77);

        var canvas = new Canvas(size, size);
        double angle = _theta + Math.PI / 2;
        ReadOnlySpan<(double X, double Y)> rod = [(0, -rodWidth / 2), (0, rodWidth / 2), (rodLength, rodWidth / 2), (rodLength, -rodWidth / 2)];
        canvas.FillPolygon(Canvas.Transform(rod, angle, offset, offset), rodColor);
        canvas.FillCircle(offset, offset, (int)(rodWidth / 2), rodColor);
        (double endX, double endY) = Canvas.Rotate(rodLength, 0, angle);
        canvas.FillCircle((int)(endX + offset), (int)(endY + offset), (int)(rodWidth / 2), rodColor);

        if (!double.IsNaN(_lastTorque) && _lastTorque != 0)
            DrawTorqueArrow(canvas, offset, offset, scale * Math.Abs(_lastTorque) / 4, _lastTorque);

        canvas.FillCircle(offset, offset, (int)(0.05 * scale), Canvas.Black);
        return canvas.ToFrame(flipVertically: true);
    }

    /// <summary>
    /// Stands in for the <c>clockwise.png</c> arrow Gymnasium blits over the axle, scaled by |last_u| and
    /// mirrored for positive torque: a three-quarter ring turning the way the torque turns.
    /// </summary>
    private static void DrawTorqueArrow(Canvas canvas, double centreX, double centreY, double radius, double torque)
    {
        const int segments = 24;
        const double sweep = 1.5 * Math.PI;
        double direction = Math.Sign(torque); // positive torque is counter-clockwise
        double start = Math.PI / 2;
        var arc = new (double X, double Y)[segments + 1];
        for (int i = 0; i <= segments; i++)
        {
            double angle = start + direction * sweep * i / segments;
            arc[i] = (centreX + radius * Math.Cos(angle), centreY + radius * Math.Sin(angle));
        }
        double thickness = Math.Max(2, radius / 5);
        canvas.DrawPolyline(arc, Canvas.Black, thickness);

        // The arrowhead points along the tangent at the end of the arc.
        double end = start + direction * sweep;
        (double tipX, double tipY) = (centreX + radius * Math.Cos(end), centreY + radius * Math.Sin(end));
        (double tangentX, double tangentY) = (-Math.Sin(end) * direction, Math.Cos(end) * direction);
        double head = thickness * 2;
        canvas.FillPolygon(
        [
            (tipX + tangentX * head, tipY + tangentY * head),
            (tipX + Math.Cos(end) * head, tipY + Math.Sin(end) * head),
            (tipX - Math.Cos(end) * head, tipY - Math.Sin(end) * head),
        ], Canvas.Black);
    }
}
