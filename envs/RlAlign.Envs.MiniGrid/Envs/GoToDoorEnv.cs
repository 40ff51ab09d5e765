using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>GoToDoorEnv</c>: four doors of distinct colours in the walls of a room of random size; stand next to
/// the named door and use <c>done</c>. Toggling, or <c>done</c> anywhere else, ends the episode with 0.
/// </summary>
public sealed class GoToDoorEnv : MiniGridEnv
{
    public GoToDoorEnv(int size = 5, int agentViewSize = 7)
        : base("MiniGrid-GoToDoor-5x5-v0", size, size, 4 * size * size, seeThroughWalls: true, agentViewSize)
    {
        if (size < 5) throw new ArgumentException($"GoToDoor needs size >= 5, got {size}.", nameof(size));
    }

    internal static GoToDoorEnv Create(EnvOptions options) => new(options.Get("size", 5), MiniGridOptions.AgentViewSize(options));

    public (int X, int Y) TargetPosition { get; private set; }
    public ObjectColor TargetColor { get; private set; }

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        // The walled room is a random size within the grid.
        int roomWidth = RandomInt(5, width + 1);
        int roomHeight = RandomInt(5, height + 1);
        Grid.WallRectangle(0, 0, roomWidth, roomHeight);

        Span<(int X, int Y)> doors =
        [
            (RandomInt(2, roomWidth - 2), 0),
            (RandomInt(2, roomWidth - 2), roomHeight - 1),
            (0, RandomInt(2, roomHeight - 2)),
            (roomWidth - 1, RandomInt(2, roomHeight - 2)),
        ];
        var colors = new List<ObjectColor>(4);
        while (colors.Count < doors.Length)
        {
            ObjectColor color = RandomElement(ObjectColors.Names);
            if (!colors.Contains(color)) colors.Add(color);
        }
        for (int k = 0; k < doors.Length; k++) Grid.Set(doors[k].X, doors[k].Y, new Door(colors[k]));

        PlaceAgent(size: (roomWidth, roomHeight));
        int target = RandomInt(0, doors.Length);
        TargetPosition = doors[target];
        TargetColor = colors[target];
        Mission = $"go to the {TargetColor.Name()} door";
    }

    protected override StepResult StepCore(MiniGridAction action)
    {
        StepResult result = base.StepCore(action);
        (int ax, int ay) = AgentPosition;
        (int tx, int ty) = TargetPosition;
        if (action == MiniGridAction.Toggle) result = result with { Terminated = true };
        if (action == MiniGridAction.Done)
        {
            bool adjacent = (ax == tx && Math.Abs(ay - ty) == 1) || (ay == ty && Math.Abs(ax - tx) == 1);
            result = new StepResult(adjacent ? SuccessReward() : result.Reward, true, result.Truncated);
        }
        return result;
    }

    protected override void SaveExtraState(BinaryWriter writer)
    {
        writer.Write(TargetPosition.X);
        writer.Write(TargetPosition.Y);
        writer.Write((byte)TargetColor);
    }

    protected override void LoadExtraState(BinaryReader reader)
    {
        TargetPosition = (reader.ReadInt32(), reader.ReadInt32());
        TargetColor = (ObjectColor)reader.ReadByte();
    }
}
