using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>EmptyEnv</c>: an empty walled room with the goal in the bottom-right corner. The agent starts at
/// (1, 1) facing right, or anywhere with any direction in the Random variants (<c>agent_start_pos=None</c>).
/// </summary>
public sealed class EmptyEnv : MiniGridEnv
{
    private readonly (int X, int Y)? _agentStartPosition;
    private readonly int _agentStartDirection;

    public EmptyEnv(int size = 8, (int X, int Y)? agentStartPosition = null, int agentStartDirection = 0, int agentViewSize = 7, bool randomStart = false)
        : base("MiniGrid-Empty-8x8-v0", size, size, 4 * size * size, seeThroughWalls: true, agentViewSize)
    {
        _agentStartPosition = randomStart ? null : agentStartPosition ?? (1, 1);
        _agentStartDirection = agentStartDirection;
    }

    internal static EmptyEnv Create(EnvOptions options) => new(
        options.Get("size", 8), agentStartPosition: null, options.Get("agent_start_dir", 0),
        MiniGridOptions.AgentViewSize(options), randomStart: options.Get("random_start", false));

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);
        PutObject(new Goal(), width - 2, height - 2);
        if (_agentStartPosition is { } start)
        {
            AgentPosition = start;
            AgentDirection = _agentStartDirection;
        }
        else
        {
            PlaceAgent();
        }
        Mission = "get to the green goal square";
    }
}
