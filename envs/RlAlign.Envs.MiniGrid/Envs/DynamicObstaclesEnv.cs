using RlAlign.Core;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>DynamicObstaclesEnv</c>: an empty room with balls that each move to a random free neighbouring cell
/// every step. Walking forward into anything but the goal (a ball or a wall) ends the episode with −1.
/// The action space is Discrete(3); actions 3..6 are accepted and act as <c>left</c>, as in Python.
/// </summary>
public sealed class DynamicObstaclesEnv : MiniGridEnv
{
    private readonly (int X, int Y)? _agentStartPosition;
    private readonly int _agentStartDirection;
    private readonly List<Ball> _obstacles = [];

    public DynamicObstaclesEnv(int size = 8, bool randomStart = false, int agentStartDirection = 0, int obstacleCount = 4, int agentViewSize = 7)
        : base("MiniGrid-Dynamic-Obstacles-8x8-v0", size, size, 4 * size * size, seeThroughWalls: true, agentViewSize, actionCount: 3)
    {
        _agentStartPosition = randomStart ? null : (1, 1);
        _agentStartDirection = agentStartDirection;
        // Python: keep n_obstacles when n <= size/2 + 1 (float division), otherwise int(size/2).
        ObstacleCount = obstacleCount <= size / 2.0 + 1 ? obstacleCount : size / 2;
    }

    internal static DynamicObstaclesEnv Create(EnvOptions options) => new(
        options.Get("size", 8), options.Get("random_start", false), options.Get("agent_start_dir", 0),
        options.Get("n_obstacles", 4), MiniGridOptions.AgentViewSize(options));

    public int ObstacleCount { get; }

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);
        // Python sets the goal with grid.set, not put_obj; it has no recorded position.
        Grid.Set(width - 2, height - 2, new Goal());
        if (_agentStartPosition is { } start)
        {
            AgentPosition = start;
            AgentDirection = _agentStartDirection;
        }
        else
        {
            PlaceAgent();
        }

        _obstacles.Clear();
        for (int i = 0; i < ObstacleCount; i++)
        {
            var ball = new Ball();
            _obstacles.Add(ball);
            PlaceObject(ball, maxTries: 100);
        }
        Mission = "get to the green goal square";
    }

    protected override StepResult StepCore(MiniGridAction action)
    {
        if ((int)action >= ((Discrete)ActionSpace).N) action = MiniGridAction.Left;

        // Decided before the balls move: bumping into a wall counts too.
        (int fx, int fy) = FrontPosition;
        WorldObject? front = Grid.Get(fx, fy);
        bool notClear = front is not null && front.Type != ObjectType.Goal;

        foreach (Ball ball in _obstacles)
        {
            (int oldX, int oldY) = ball.CurrentPosition;
            // The old cell is still occupied while sampling, so the ball always moves; if all 101 tries
            // fail it stays (Python swallows the exception), with the draws consumed.
            if (TryPlaceObject(ball, out _, top: (oldX - 1, oldY - 1), size: (3, 3), maxTries: 100))
                Grid.Set(oldX, oldY, null);
        }

        StepResult result = base.StepCore(action);
        if (action == MiniGridAction.Forward && notClear) return new StepResult(-1, true, result.Truncated);
        return result;
    }

    protected override void SaveExtraState(BinaryWriter writer)
    {
        writer.Write(_obstacles.Count);
        foreach (Ball ball in _obstacles)
        {
            writer.Write(ball.CurrentPosition.X);
            writer.Write(ball.CurrentPosition.Y);
        }
    }

    protected override void LoadExtraState(BinaryReader reader)
    {
        // The grid was rebuilt from the snapshot, so find the (new) balls by position, in creation order.
        int count = reader.ReadInt32();
        _obstacles.Clear();
        for (int i = 0; i < count; i++)
        {
            int x = reader.ReadInt32(), y = reader.ReadInt32();
            _obstacles.Add(Grid.Get(x, y) as Ball
                ?? throw new InvalidDataException($"{DisplayName}: saved obstacle at ({x}, {y}) is not a ball in the saved grid."));
        }
    }
}
