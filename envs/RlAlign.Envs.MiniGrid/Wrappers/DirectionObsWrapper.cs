using RlAlign.Core;
using RlAlign.Core.Spaces;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>What <see cref="DirectionObsWrapper"/> reports: the slope to the goal, or its arctangent.</summary>
public enum GoalDirectionType
{
    Slope,
    Angle,
}

/// <summary>
/// Minigrid's <c>DirectionObsWrapper</c>: adds <c>goal_direction</c>, the slope (y_goal − y_agent) / (x_goal − x_agent)
/// from the agent to the goal, or its arctangent, computed in float64 as numpy does (±inf straight above or
/// below the goal, NaN on it). The goal is the first in row-major order.
/// </summary>
/// <remarks>
/// Three departures from Python 3.1, whose version is broken for general use: the goal is looked up on every
/// reset (Python keeps the first episode's, stale when goals move), reset passes the seed and options on
/// (Python drops them), and the slope uses the goal's (x, y) as documented (Python's index arithmetic swaps
/// them, which only square layouts with the goal on the diagonal hide). An env without a goal is an error.
/// </remarks>
public sealed class DirectionObsWrapper : DictEntryWrapper
{
    private readonly MiniGridEnv _env;
    private (int X, int Y) _goal;
    private bool _goalIsStale = true;

    public DirectionObsWrapper(IEnv env, GoalDirectionType type = GoalDirectionType.Slope)
        : base(env, "goal_direction", new BoxSpace(float.NegativeInfinity, float.PositiveInfinity, [], DType.Float64))
    {
        _env = MiniGridObservation.Unwrap(env, nameof(DirectionObsWrapper));
        Type = type;
    }

    public GoalDirectionType Type { get; }

    /// <summary>The goal the slope points to, as found at the last reset.</summary>
    public (int X, int Y) GoalPosition => _goal;

    public override void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        _goalIsStale = true;
        base.Reset(observation, seed, options);
    }

    protected override void WriteEntry(ReadOnlySpan<float> observation, Span<float> entry)
    {
        if (_goalIsStale)
        {
            _goal = FindGoal();
            _goalIsStale = false;
        }
        (int agentX, int agentY) = _env.AgentPosition;
        double slope = (double)(_goal.Y - agentY) / (_goal.X - agentX);
        entry[0] = (float)(Type == GoalDirectionType.Angle ? Math.Atan(slope) : slope);
    }

    protected override void SaveOwnState(BinaryWriter writer)
    {
        writer.Write(_goalIsStale);
        writer.Write(_goal.X);
        writer.Write(_goal.Y);
    }

    protected override void LoadOwnState(BinaryReader reader)
    {
        _goalIsStale = reader.ReadBoolean();
        _goal = (reader.ReadInt32(), reader.ReadInt32());
    }

    private (int X, int Y) FindGoal()
    {
        for (int y = 0; y < _env.Height; y++)
            for (int x = 0; x < _env.Width; x++)
                if (_env.Grid.Get(x, y) is Goal) return (x, y);
        throw new InvalidOperationException($"{nameof(DirectionObsWrapper)}: the env has no goal to point to.");
    }
}
