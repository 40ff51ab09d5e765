using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>DoorKeyEnv</c>: a vertical wall splits the room; the agent must pick up the yellow key on its side,
/// unlock the yellow door and reach the goal. <c>max_steps</c> defaults to 10·size².
/// </summary>
public sealed class DoorKeyEnv(int size = 8, int? maxSteps = null, int agentViewSize = 7)
    : MiniGridEnv("MiniGrid-DoorKey-8x8-v0", RequireSize(size), size, maxSteps ?? 10 * size * size, seeThroughWalls: false, agentViewSize)
{
    // The wall goes at x in [2, size - 2): Python fails on an empty range below size 5.
    private static int RequireSize(int size) => size >= 5 ? size : throw new ArgumentException($"DoorKey needs size >= 5, got {size}.", nameof(size));

    internal static DoorKeyEnv Create(EnvOptions options) => new(
        options.Get("size", 8), options.Get<int?>("max_steps", null), MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);
        PutObject(new Goal(), width - 2, height - 2);

        int splitX = RandomInt(2, width - 2);
        Grid.VerticalWall(splitX, 0);
        PlaceAgent(size: (splitX, height));

        int doorY = RandomInt(1, width - 2);
        PutObject(new Door(ObjectColor.Yellow, isLocked: true), splitX, doorY);
        PlaceObject(new Key(ObjectColor.Yellow), top: (0, 0), size: (splitX, height));
        Mission = "use the key to open the door and then get to the goal";
    }
}
