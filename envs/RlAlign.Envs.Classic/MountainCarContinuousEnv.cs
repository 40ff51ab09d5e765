using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.Classic;

/// <summary>
/// Gymnasium's <c>MountainCarContinuous-v0</c> (<c>classic_control/continuous_mountain_car.py</c>): the
/// mountain car with a force in [-1, 1] (out-of-range actions are clipped), goal x ≥ 0.45. Reward
/// <c>-0.1 a²</c> per step with the <em>unclipped</em> action, plus 100 on reaching the goal. Option
/// <c>goal_velocity</c> (default 0).
/// </summary>
public sealed class MountainCarContinuousEnv : ClassicControlEnv
{
    public const string Id = "MountainCarContinuous-v0";

    private const double MinAction = -1.0;
    private const double MaxAction = 1.0;
    public const double MinPosition = -1.2;
    public const double MaxPosition = 0.6;
    public const double MaxSpeed = 0.07;
    public const double GoalPosition = 0.45;
    private const double Power = 0.0015;

    // Held as float64, but after every step they hold float32 values: Gymnasium stores the state as a
    // float32 array after a step (the reset state is float64).
    private double _position, _velocity;

    public MountainCarContinuousEnv(EnvOptions? options = null)
    {
        GoalVelocity = options?.Get("goal_velocity", 0.0) ?? 0.0;
    }

    public override Space ObservationSpace { get; } = new Box([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);
    public override Space ActionSpace { get; } = new Box((float)MinAction, (float)MaxAction, [1]);
    public double GoalVelocity { get; }

    protected override string DefaultId => Id;
    protected override int StateLength => 2;

    public override void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)_position;
        observation[1] = (float)_velocity;
    }

    protected override void ResetPhysics(NumpyGenerator random, EnvOptions? options)
    {
        (double low, double high) = ResetBounds.Parse(options, -0.6, -0.4);
        _position = random.Uniform(low, high);
        _velocity = 0;
    }

    protected override StepResult StepPhysics(ReadOnlySpan<float> action, Span<float> observation)
    {
        double requested = ReadContinuousAction(action);
        double force = Math.Min(Math.Max(requested, MinAction), MaxAction);

        // NumPy 1.x promotes the float32 state to float64 here (the recorded traces are made this way).
        double position = _position, velocity = _velocity;
        velocity += force * Power - 0.0025 * Math.Cos(3 * position);
        if (velocity > MaxSpeed) velocity = MaxSpeed;
        if (velocity < -MaxSpeed) velocity = -MaxSpeed;
        position += velocity;
        if (position > MaxPosition) position = MaxPosition;
        if (position < MinPosition) position = MinPosition;
        if (position == MinPosition && velocity < 0) velocity = 0;

        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
        // The penalty uses the action as given, not the clipped force.
        double reward = (terminated ? 100.0 : 0.0) - requested * requested * 0.1;

        _position = (float)position;
        _velocity = (float)velocity;
        WriteObservation(observation);
        return new StepResult(reward, terminated, false);
    }

    protected override void ReadPhysicsState(Span<double> state)
    {
        state[0] = _position;
        state[1] = _velocity;
    }

    protected override void WritePhysicsState(ReadOnlySpan<double> state)
    {
        _position = state[0];
        _velocity = state[1];
    }

    protected override RenderFrame Draw() => MountainCarScene.Draw(_position, GoalPosition);
}
