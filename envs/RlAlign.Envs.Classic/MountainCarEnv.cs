using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.Classic;

/// <summary>
/// Gymnasium's <c>MountainCar-v0</c> (<c>classic_control/mountain_car.py</c>): a car in a valley, pushed
/// left (0), not at all (1) or right (2), must reach x ≥ 0.5. State <c>(x, v)</c> in float64; reward -1
/// per step. Option <c>goal_velocity</c> (default 0) also requires v ≥ goal_velocity at the goal.
/// </summary>
public sealed class MountainCarEnv : ClassicControlEnv
{
    public const string Id = "MountainCar-v0";

    public const double MinPosition = -1.2;
    public const double MaxPosition = 0.6;
    public const double MaxSpeed = 0.07;
    public const double GoalPosition = 0.5;
    private const double Force = 0.001;
    private const double Gravity = 0.0025;

    private double _position, _velocity;

    public MountainCarEnv(EnvOptions? options = null)
    {
        GoalVelocity = options?.Get("goal_velocity", 0.0) ?? 0.0;
    }

    public override Space ObservationSpace { get; } = new Box([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);
    public override Space ActionSpace { get; } = new Discrete(3);
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
        int push = ReadDiscreteAction(action);
        _velocity += (push - 1) * Force + Math.Cos(3 * _position) * -Gravity;
        _velocity = Math.Clamp(_velocity, -MaxSpeed, MaxSpeed);
        _position += _velocity;
        _position = Math.Clamp(_position, MinPosition, MaxPosition);
        // The left wall is inelastic: hitting it stops the car.
        if (_position == MinPosition && _velocity < 0) _velocity = 0;

        bool terminated = _position >= GoalPosition && _velocity >= GoalVelocity;
        WriteObservation(observation);
        return new StepResult(-1.0, terminated, false);
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
