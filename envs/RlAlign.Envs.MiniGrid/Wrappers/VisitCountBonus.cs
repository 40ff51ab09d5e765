using RlAlign.Core;
using RlAlign.Core.Wrappers;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// The count-based exploration bonus of Minigrid's <c>ActionBonus</c> and <c>PositionBonus</c>: each step adds
/// 1/√n to the reward, n being how often the step's key (<see cref="KeyOf"/>, read after the step) has been
/// seen. Counts last for the wrapper's lifetime, across episodes, as in Minigrid; they are kept in a
/// table, so a step allocates nothing, and saved with the env's state.
/// </summary>
public abstract class VisitCountBonus : Wrapper
{
    private readonly int[] _counts;

    protected VisitCountBonus(IEnv env, int keysPerCell) : base(env)
    {
        MiniGrid = MiniGridObservation.Unwrap(env, GetType().Name);
        _counts = new int[MiniGrid.Width * MiniGrid.Height * keysPerCell];
    }

    protected MiniGridEnv MiniGrid { get; }

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        int count = ++_counts[KeyOf(action)];
        return result with { Reward = result.Reward + 1 / Math.Sqrt(count) };
    }

    /// <summary>Where the step's key is counted, from the unwrapped env after the step and the action taken.</summary>
    protected abstract int KeyOf(ReadOnlySpan<float> action);

    protected int Count(int key) => _counts[key];

    /// <summary>The index of the agent's current cell, y·width + x.</summary>
    protected int AgentCell => MiniGrid.AgentPosition.Y * MiniGrid.Width + MiniGrid.AgentPosition.X;

    protected override void SaveOwnState(BinaryWriter writer)
    {
        writer.Write(_counts.Length);
        foreach (int count in _counts) writer.Write(count);
    }

    protected override void LoadOwnState(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length != _counts.Length)
            throw new InvalidDataException($"{GetType().Name}: the saved state counts {length} keys, this wrapper {_counts.Length} (a different grid size).");
        for (int i = 0; i < length; i++) _counts[i] = reader.ReadInt32();
    }
}

/// <summary>
/// Minigrid's <c>ActionBonus</c>: adds 1/√n to each reward, n the number of times the (position, direction,
/// action) of the step, with the agent's pose read after the step, has been seen.
/// </summary>
public sealed class ActionBonus(IEnv env) : VisitCountBonus(env, Directions * ActionCount)
{
    private const int Directions = 4;

    // Every MiniGrid env accepts the seven raw actions, whatever its action space says.
    private const int ActionCount = 7;

    /// <summary>How often (position, direction, action) has been counted (Python's <c>counts[tup]</c>, 0 when absent).</summary>
    public int Visits((int X, int Y) position, int direction, int action)
        => Count(Key(position.Y * MiniGrid.Width + position.X, direction, action));

    protected override int KeyOf(ReadOnlySpan<float> action) => Key(AgentCell, MiniGrid.AgentDirection, (int)action[0]);

    private static int Key(int cell, int direction, int action) => (cell * Directions + direction) * ActionCount + action;
}

/// <summary>
/// Minigrid's <c>PositionBonus</c> (formerly <c>StateBonus</c>): adds 1/√n to each reward, n the number of
/// times the agent's position after the step has been seen.
/// </summary>
public sealed class PositionBonus(IEnv env) : VisitCountBonus(env, keysPerCell: 1)
{
    /// <summary>How often <paramref name="position"/> has been counted (Python's <c>counts[tup]</c>, 0 when absent).</summary>
    public int Visits((int X, int Y) position) => Count(position.Y * MiniGrid.Width + position.X);

    protected override int KeyOf(ReadOnlySpan<float> action) => AgentCell;
}
