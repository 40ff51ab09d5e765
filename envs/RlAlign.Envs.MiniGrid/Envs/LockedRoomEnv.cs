using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>LockedRoomEnv</c>: six rooms off a central hallway, each with a door of a distinct colour; one is
/// locked and holds the goal, its key lies in another room named by the mission.
/// </summary>
public sealed class LockedRoomEnv : MiniGridEnv
{
    public LockedRoomEnv(int size = 19, int? maxSteps = null, int agentViewSize = 7)
        : base("MiniGrid-LockedRoom-v0", size, size, maxSteps ?? 10 * size, seeThroughWalls: false, agentViewSize)
    {
    }

    internal static LockedRoomEnv Create(EnvOptions options) => new(options.Get("size", 19), options.Get<int?>("max_steps", null), MiniGridOptions.AgentViewSize(options));

    private sealed record SideRoom((int X, int Y) Top, (int Width, int Height) Size, (int X, int Y) DoorPosition);

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        for (int i = 0; i < width; i++)
        {
            Grid.Set(i, 0, Wall.Grey);
            Grid.Set(i, height - 1, Wall.Grey);
        }
        for (int j = 0; j < height; j++)
        {
            Grid.Set(0, j, Wall.Grey);
            Grid.Set(width - 1, j, Wall.Grey);
        }
        int leftWall = width / 2 - 2, rightWall = width / 2 + 2;
        for (int j = 0; j < height; j++)
        {
            Grid.Set(leftWall, j, Wall.Grey);
            Grid.Set(rightWall, j, Wall.Grey);
        }

        var rooms = new List<SideRoom>();
        for (int n = 0; n < 3; n++)
        {
            int j = n * (height / 3);
            for (int i = 0; i < leftWall; i++) Grid.Set(i, j, Wall.Grey);
            for (int i = rightWall; i < width; i++) Grid.Set(i, j, Wall.Grey);
            (int, int) size = (leftWall + 1, height / 3 + 1);
            rooms.Add(new SideRoom((0, j), size, (leftWall, j + 3)));
            rooms.Add(new SideRoom((rightWall, j), size, (rightWall, j + 3)));
        }

        int lockedIndex = RandomInt(0, rooms.Count);
        SideRoom locked = rooms[lockedIndex];
        (int gx, int gy) = RandomInside(locked);
        Grid.Set(gx, gy, new Goal());

        // Each room takes a colour not used yet, picked from the remaining ones in alphabetical order.
        var remaining = ObjectColors.Names.ToList();
        var colors = new ObjectColor[rooms.Count];
        for (int k = 0; k < rooms.Count; k++)
        {
            ObjectColor color = RandomElement(remaining);
            remaining.Remove(color);
            colors[k] = color;
            Grid.Set(rooms[k].DoorPosition.X, rooms[k].DoorPosition.Y, new Door(color, isLocked: k == lockedIndex));
        }

        int keyIndex;
        do keyIndex = RandomInt(0, rooms.Count);
        while (keyIndex == lockedIndex);
        (int kx, int ky) = RandomInside(rooms[keyIndex]);
        Grid.Set(kx, ky, new Key(colors[lockedIndex]));

        PlaceAgent(top: (leftWall, 0), size: (rightWall - leftWall, height));
        Mission = $"get the {colors[lockedIndex].Name()} key from the {colors[keyIndex].Name()} room, unlock the {colors[lockedIndex].Name()} door and go to the goal";
    }

    /// <summary>The room's <c>rand_pos</c>: an interior cell, x drawn before y, not checked for occupancy.</summary>
    private (int X, int Y) RandomInside(SideRoom room)
        => RandomPosition(room.Top.X + 1, room.Top.X + room.Size.Width - 1, room.Top.Y + 1, room.Top.Y + room.Size.Height - 1);
}
