using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>LavaGapEnv</c>: a vertical strip of lava (or walls) with one gap between the agent, at (1, 1), and
/// the goal in the opposite corner.
/// </summary>
public sealed class LavaGapEnv : MiniGridEnv
{
    private readonly bool _lava;

    public LavaGapEnv(int size, bool lava = true, int agentViewSize = 7)
        : base($"MiniGrid-LavaGapS{size}-v0", size, size, 4 * size * size, seeThroughWalls: false, agentViewSize)
    {
        if (size < 5) throw new ArgumentException($"LavaGap needs size >= 5, got {size}.", nameof(size));
        _lava = lava;
    }

    internal static LavaGapEnv Create(EnvOptions options) => new(
        options.Get("size", 5), options.Get("obstacle_type", "lava") switch
        {
            "lava" => true,
            "wall" => false,
            string other => throw new ArgumentException($"LavaGap obstacle_type must be 'lava' or 'wall', got '{other}'."),
        }, MiniGridOptions.AgentViewSize(options));

    /// <summary>The gap in the obstacle strip.</summary>
    public (int X, int Y) GapPosition { get; private set; }

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);
        AgentPosition = (1, 1);
        AgentDirection = 0;
        PutObject(new Goal(), width - 2, height - 2);

        int gapX = RandomInt(2, width - 2);
        int gapY = RandomInt(1, height - 1);
        GapPosition = (gapX, gapY);
        Grid.VerticalWall(gapX, 1, height - 2, _lava ? () => new Lava() : () => Wall.Grey);
        Grid.Set(gapX, gapY, null);
        Mission = _lava ? "avoid the lava and get to the green goal square" : "find the opening and get to the green goal square";
    }

    protected override void SaveExtraState(BinaryWriter writer)
    {
        writer.Write(GapPosition.X);
        writer.Write(GapPosition.Y);
    }

    protected override void LoadExtraState(BinaryReader reader) => GapPosition = (reader.ReadInt32(), reader.ReadInt32());
}
