using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>MemoryEnv</c>: see an object in the start room, walk down the hallway and stand by the matching
/// object at its end. <c>pickup</c> acts as <c>toggle</c>.
/// </summary>
public sealed class MemoryEnv : MiniGridEnv
{
    private readonly bool _randomLength;

    public MemoryEnv(int size = 8, bool randomLength = false, int? maxSteps = null, int agentViewSize = 7)
        : base($"MiniGrid-MemoryS{size}-v0", size, size, maxSteps ?? 5 * size * size, seeThroughWalls: false, agentViewSize)
    {
        if (size % 2 == 0) throw new ArgumentException($"Memory needs an odd size, got {size}.", nameof(size));
        _randomLength = randomLength;
    }

    internal static MemoryEnv Create(EnvOptions options) => new(
        options.Get("size", 8), options.Get("random_length", false), options.Get<int?>("max_steps", null), MiniGridOptions.AgentViewSize(options));

    public (int X, int Y) SuccessPosition { get; private set; }
    public (int X, int Y) FailurePosition { get; private set; }

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);

        int upperRoomWall = height / 2 - 2, lowerRoomWall = height / 2 + 2;
        int hallwayEnd = _randomLength ? RandomInt(4, width - 2) : width - 3;
        for (int i = 1; i < 5; i++)
        {
            Grid.Set(i, upperRoomWall, Wall.Grey);
            Grid.Set(i, lowerRoomWall, Wall.Grey);
        }
        Grid.Set(4, upperRoomWall + 1, Wall.Grey);
        Grid.Set(4, lowerRoomWall - 1, Wall.Grey);
        for (int i = 5; i < hallwayEnd; i++)
        {
            Grid.Set(i, upperRoomWall + 1, Wall.Grey);
            Grid.Set(i, lowerRoomWall - 1, Wall.Grey);
        }
        for (int j = 0; j < height; j++)
        {
            if (j != height / 2) Grid.Set(hallwayEnd, j, Wall.Grey);
            Grid.Set(hallwayEnd + 2, j, Wall.Grey);
        }

        AgentPosition = (RandomInt(1, hallwayEnd + 1), height / 2);
        AgentDirection = 0;

        // Python picks classes: [Key, Ball] for the start room, then [[Ball, Key], [Key, Ball]] for the end.
        bool startIsKey = RandomInt(0, 2) == 0;
        Grid.Set(1, height / 2 - 1, startIsKey ? new Key(ObjectColor.Green) : new Ball(ObjectColor.Green));
        bool firstIsBall = RandomInt(0, 2) == 0;
        (int X, int Y) pos0 = (hallwayEnd + 1, height / 2 - 2);
        (int X, int Y) pos1 = (hallwayEnd + 1, height / 2 + 2);
        Grid.Set(pos0.X, pos0.Y, firstIsBall ? new Ball(ObjectColor.Green) : new Key(ObjectColor.Green));
        Grid.Set(pos1.X, pos1.Y, firstIsBall ? new Key(ObjectColor.Green) : new Ball(ObjectColor.Green));

        bool firstMatches = startIsKey != firstIsBall;
        SuccessPosition = firstMatches ? (pos0.X, pos0.Y + 1) : (pos1.X, pos1.Y - 1);
        FailurePosition = firstMatches ? (pos1.X, pos1.Y - 1) : (pos0.X, pos0.Y + 1);
        Mission = "go to the matching object at the end of the hallway";
    }

    protected override StepResult StepCore(MiniGridAction action)
    {
        if (action == MiniGridAction.Pickup) action = MiniGridAction.Toggle;
        StepResult result = base.StepCore(action);
        if (AgentPosition == SuccessPosition) result = new StepResult(SuccessReward(), true, result.Truncated);
        if (AgentPosition == FailurePosition) result = new StepResult(0, true, result.Truncated);
        return result;
    }

    protected override void SaveExtraState(BinaryWriter writer)
    {
        writer.Write(SuccessPosition.X);
        writer.Write(SuccessPosition.Y);
        writer.Write(FailurePosition.X);
        writer.Write(FailurePosition.Y);
    }

    protected override void LoadExtraState(BinaryReader reader)
    {
        SuccessPosition = (reader.ReadInt32(), reader.ReadInt32());
        FailurePosition = (reader.ReadInt32(), reader.ReadInt32());
    }
}
