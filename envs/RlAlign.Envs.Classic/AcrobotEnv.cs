using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.Classic;

/// <summary>
/// Gymnasium's <c>Acrobot-v1</c> (<c>classic_control/acrobot.py</c>): two links hanging from a fixed
/// joint, with torque -1, 0 or +1 (actions 0, 1, 2) on the joint between them. One RK4 step over
/// dt = 0.2 s with the "book" dynamics per env step. State <c>[θ1, θ2, θ̇1, θ̇2]</c>; observation
/// <c>[cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]</c>. Reward -1 per step, 0 on the step that raises the
/// free end above the target height (which terminates).
/// </summary>
public sealed class AcrobotEnv : ClassicControlEnv
{
    public const string Id = "Acrobot-v1";

    private const double Dt = 0.2;
    private const double LinkLength1 = 1.0;
    private const double LinkLength2 = 1.0;
    private const double LinkMass1 = 1.0;
    private const double LinkMass2 = 1.0;
    private const double LinkCenterOfMass1 = 0.5;
    private const double LinkCenterOfMass2 = 0.5;
    private const double LinkMomentOfInertia = 1.0;
    private const double Gravity = 9.8;
    public const double MaxVelocity1 = 4 * Math.PI;
    public const double MaxVelocity2 = 9 * Math.PI;

    private double _theta1, _theta2, _theta1Dot, _theta2Dot;

    // Gymnasium's reset casts the drawn state to float32, so _get_ob evaluates cos/sin on float32 inputs
    // and NumPy returns float32-precision results; the first step appends the torque, which turns the
    // state into float64 for good.
    private bool _stateIsSinglePrecision;

    /// <summary>Acrobot takes no constructor options (Gymnasium's has only render_mode); the parameter keeps the registry's shape.</summary>
    public AcrobotEnv(EnvOptions? options = null)
    {
        float[] high = [1f, 1f, 1f, 1f, (float)MaxVelocity1, (float)MaxVelocity2];
        ObservationSpace = new Box(Array.ConvertAll(high, h => -h), high);
    }

    public override Space ObservationSpace { get; }
    public override Space ActionSpace { get; } = new Discrete(3);

    protected override string DefaultId => Id;
    protected override int StateLength => 4;

    public override void WriteObservation(Span<float> observation)
    {
        if (_stateIsSinglePrecision)
        {
            observation[0] = MathF.Cos((float)_theta1);
            observation[1] = MathF.Sin((float)_theta1);
            observation[2] = MathF.Cos((float)_theta2);
            observation[3] = MathF.Sin((float)_theta2);
        }
        else
        {
            observation[0] = (float)Math.Cos(_theta1);
            observation[1] = (float)Math.Sin(_theta1);
            observation[2] = (float)Math.Cos(_theta2);
            observation[3] = (float)Math.Sin(_theta2);
        }
        observation[4] = (float)_theta1Dot;
        observation[5] = (float)_theta2Dot;
    }

    protected override void ResetPhysics(NumpyGenerator random, EnvOptions? options)
    {
        (double low, double high) = ResetBounds.Parse(options, -0.1, 0.1);
        // uniform(low, high, size=(4,)).astype(np.float32)
        _theta1 = (float)random.Uniform(low, high);
        _theta2 = (float)random.Uniform(low, high);
        _theta1Dot = (float)random.Uniform(low, high);
        _theta2Dot = (float)random.Uniform(low, high);
        _stateIsSinglePrecision = true;
    }

    protected override StepResult StepPhysics(ReadOnlySpan<float> action, Span<float> observation)
    {
        // AVAIL_TORQUE = [-1.0, 0.0, +1]; torque_noise_max = 0, so the generator is not used here.
        double torque = ReadDiscreteAction(action) - 1.0;

        Span<double> next = stackalloc double[4];
        RungeKutta4([_theta1, _theta2, _theta1Dot, _theta2Dot], torque, next);

        _theta1 = Wrap(next[0], -Math.PI, Math.PI);
        _theta2 = Wrap(next[1], -Math.PI, Math.PI);
        _theta1Dot = Math.Min(Math.Max(next[2], -MaxVelocity1), MaxVelocity1);
        _theta2Dot = Math.Min(Math.Max(next[3], -MaxVelocity2), MaxVelocity2);
        _stateIsSinglePrecision = false;

        bool terminated = -Math.Cos(_theta1) - Math.Cos(_theta2 + _theta1) > 1.0;
        WriteObservation(observation);
        return new StepResult(terminated ? 0.0 : -1.0, terminated, false);
    }

    /// <summary>
    /// Gymnasium's <c>rk4(derivs, y0, [0, dt])</c>: one classical Runge-Kutta step over the whole dt. The
    /// torque rides along as a fifth state element with derivative 0, so it is passed as a constant.
    /// </summary>
    private static void RungeKutta4(ReadOnlySpan<double> y0, double torque, Span<double> result)
    {
        const double halfDt = Dt / 2.0;
        Span<double> k1 = stackalloc double[4];
        Span<double> k2 = stackalloc double[4];
        Span<double> k3 = stackalloc double[4];
        Span<double> k4 = stackalloc double[4];
        Span<double> point = stackalloc double[4];

        Derivatives(y0, torque, k1);
        for (int i = 0; i < 4; i++) point[i] = y0[i] + halfDt * k1[i];
        Derivatives(point, torque, k2);
        for (int i = 0; i < 4; i++) point[i] = y0[i] + halfDt * k2[i];
        Derivatives(point, torque, k3);
        for (int i = 0; i < 4; i++) point[i] = y0[i] + Dt * k3[i];
        Derivatives(point, torque, k4);
        for (int i = 0; i < 4; i++) result[i] = y0[i] + Dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }

    /// <summary>Gymnasium's <c>_dsdt</c> with <c>book_or_nips = "book"</c>, term for term in its order.</summary>
    private static void Derivatives(ReadOnlySpan<double> s, double torque, Span<double> derivative)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1;
        const double lc1 = LinkCenterOfMass1, lc2 = LinkCenterOfMass2;
        const double i1 = LinkMomentOfInertia, i2 = LinkMomentOfInertia, g = Gravity;
        double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];

        double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.Cos(theta2)) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.Cos(theta2)) + i2;
        double phi2 = m2 * lc2 * g * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * Math.Sin(theta2)
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.Sin(theta2)
            + (m1 * lc1 + m2 * l1) * g * Math.Cos(theta1 - Math.PI / 2)
            + phi2;
        // The book's equation (the NeurIPS paper omits the dθ1² term).
        double ddtheta2 = (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * Math.Sin(theta2) - phi2)
            / (m2 * (lc2 * lc2) + i2 - d2 * d2 / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;

        derivative[0] = dtheta1;
        derivative[1] = dtheta2;
        derivative[2] = ddtheta1;
        derivative[3] = ddtheta2;
    }

    /// <summary>Gymnasium's <c>wrap(x, m, M)</c>: shifts x by whole periods into [m, M].</summary>
    private static double Wrap(double x, double min, double max)
    {
        double period = max - min;
        while (x > max) x -= period;
        while (x < min) x += period;
        return x;
    }

    protected override void ReadPhysicsState(Span<double> state)
    {
        state[0] = _theta1;
        state[1] = _theta2;
        state[2] = _theta1Dot;
        state[3] = _theta2Dot;
    }

    protected override void WritePhysicsState(ReadOnlySpan<double> state)
    {
        _theta1 = state[0];
        _theta2 = state[1];
        _theta1Dot = state[2];
        _theta2Dot = state[3];
        _stateIsSinglePrecision = false;
    }

    protected override void SaveExtraState(BinaryWriter writer) => writer.Write(_stateIsSinglePrecision);

    protected override void LoadExtraState(BinaryReader reader) => _stateIsSinglePrecision = reader.ReadBoolean();

    protected override RenderFrame Draw()
    {
        // Gymnasium's AcrobotEnv.render: links as rotated rectangles, joints as circles, the target line.
        const int size = 500;
        const double bound = LinkLength1 + LinkLength2 + 0.2;
        const double scale = size / (bound * 2);
        const double offset = size / 2.0;
        var linkColor = new Rgb(0, 204, 204);
        var jointColor = new Rgb(204, 204, 0);

        var canvas = new Canvas(size, size);
        canvas.DrawLine(-2.2 * scale + offset, 1 * scale + offset, 2.2 * scale + offset, 1 * scale + offset, Canvas.Black);

        // Joint positions in pygame's frame; Gymnasium swaps (x, y) of [0, p1] with [:, ::-1].
        double p1X = -LinkLength1 * Math.Cos(_theta1) * scale, p1Y = LinkLength1 * Math.Sin(_theta1) * scale;
        (double X, double Y, double Angle)[] links =
        [
            (0, 0, _theta1 - Math.PI / 2),
            (p1Y, p1X, _theta1 + _theta2 - Math.PI / 2),
        ];
        double linkLength = LinkLength1 * scale;
        ReadOnlySpan<(double X, double Y)> rectangle = [(0, -0.1 * scale), (0, 0.1 * scale), (linkLength, 0.1 * scale), (linkLength, -0.1 * scale)];
        foreach ((double x, double y, double angle) in links)
        {
            canvas.FillPolygon(Canvas.Transform(rectangle, angle, x + offset, y + offset), linkColor);
            canvas.FillCircle((int)(x + offset), (int)(y + offset), (int)(0.1 * scale), jointColor);
        }
        return canvas.ToFrame(flipVertically: true);
    }
}
