using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// Minigrid's <c>ObstructedMazeEnv</c> (v0): find and pick up the blue ball in a maze of 6×6 rooms whose
/// doors may be locked (the key then lies in the room, possibly hidden in a grey box) and blocked by a
/// green ball. <c>max_steps</c> is 4 · rooms to visit · 36.
/// </summary>
public abstract class ObstructedMazeEnv : PickupTargetRoomGridEnv
{
    // Fixed picks from the alphabetical COLOR_NAMES: [0] blue, [1] green, [2] grey.
    private const ObjectColor BallToFindColor = ObjectColor.Blue;
    private const ObjectColor BlockingBallColor = ObjectColor.Green;
    private const ObjectColor BoxColor = ObjectColor.Grey;

    protected ObstructedMazeEnv(string defaultId, int numRows, int numCols, int numRoomsVisited, int agentViewSize)
        : base(defaultId, 6, numRows, numCols, 4 * numRoomsVisited * 6 * 6, agentViewSize)
    {
    }

    /// <summary>The door colours, a random permutation drawn at every reset.</summary>
    protected List<ObjectColor> DoorColors { get; private set; } = [];

    protected override void GenerateGrid(int width, int height)
    {
        base.GenerateGrid(width, height);
        DoorColors = RandomSubset(ObjectColors.Names, ObjectColors.Names.Count);
        Mission = $"pick up the {BallToFindColor.Name()} ball";
    }

    /// <summary>
    /// ObstructedMaze's <c>add_door</c>: a door with a fixed wall and colour; a blocking ball on this room's
    /// side of it; and for a locked door its key, placed in this room (inside a box when hidden).
    /// </summary>
    protected void AddObstructedDoor(int i, int j, int doorIndex, ObjectColor color, bool locked, bool keyInBox = false, bool blocked = false, bool placeKey = true)
    {
        (Door door, (int X, int Y) position) = AddDoor(i, j, doorIndex, color, locked);
        if (blocked)
        {
            (int dx, int dy) = doorIndex switch { 0 => (1, 0), 1 => (0, 1), 2 => (-1, 0), _ => (0, -1) };
            Grid.Set(position.X - dx, position.Y - dy, new Ball(BlockingBallColor));
        }
        if (locked && placeKey) AddKey(i, j, door.Color, keyInBox);
    }

    /// <summary>Places the key of a door in room (i, j), inside a grey box when hidden.</summary>
    protected void AddKey(int i, int j, ObjectColor color, bool keyInBox)
    {
        WorldObject key = new Key(color);
        if (keyInBox) key = new Box(BoxColor, key);
        PlaceInRoom(i, j, key);
    }

    protected void AddBallToFind(int i, int j)
    {
        (WorldObject ball, _) = AddObject(i, j, ObjectType.Ball, BallToFindColor);
        Target = ball;
    }
}

/// <summary><c>ObstructedMaze_1Dlhb</c>: two rooms and one locked door (1Dl, 1Dlh, 1Dlhb).</summary>
public sealed class ObstructedMazeOneDoorEnv(bool keyInBox = true, bool blocked = true, int agentViewSize = 7)
    : ObstructedMazeEnv("MiniGrid-ObstructedMaze-1Dlhb-v0", 1, 2, 2, agentViewSize)
{
    internal static ObstructedMazeOneDoorEnv Create(EnvOptions options) => new(
        options.Get("key_in_box", true), options.Get("blocked", true), MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        base.GenerateGrid(width, height);
        AddObstructedDoor(0, 0, 0, DoorColors[0], locked: true, keyInBox, blocked);
        AddBallToFind(1, 0);
        PlaceAgentInRoom(0, 0);
    }
}

/// <summary>
/// <c>ObstructedMaze_Full</c>: a 3×3 maze; the centre opens onto the first <c>num_quarters</c> side rooms,
/// each of which has locked doors to its corners; the ball is in one of those corners. The v1 ids
/// (<c>ObstructedMaze_Full_V1</c>, <paramref name="keysAfterDoors"/>) add both doors of a side room, with
/// their blocking balls, before placing its keys, so a key can no longer land where a ball then goes.
/// </summary>
public sealed class ObstructedMazeFullEnv(
    (int I, int J)? agentRoom = null, bool keyInBox = true, bool blocked = true, int numQuarters = 4, int numRoomsVisited = 25,
    bool keysAfterDoors = false, int agentViewSize = 7)
    : ObstructedMazeEnv(keysAfterDoors ? "MiniGrid-ObstructedMaze-Full-v1" : "MiniGrid-ObstructedMaze-Full-v0", 3, 3, numRoomsVisited, agentViewSize)
{
    private static readonly (int I, int J)[] SideRooms = [(2, 1), (1, 2), (0, 1), (1, 0)];
    private static readonly (int I, int J)[] Corners = [(2, 0), (2, 2), (0, 2), (0, 0)];
    private readonly (int I, int J) _agentRoom = agentRoom ?? (1, 1);

    internal static ObstructedMazeFullEnv Create(EnvOptions options) => new(
        (options.Get("agent_room_i", 1), options.Get("agent_room_j", 1)), options.Get("key_in_box", true), options.Get("blocked", true),
        options.Get("num_quarters", 4), options.Get("num_rooms_visited", 25), options.Get("keys_after_doors", false),
        MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        base.GenerateGrid(width, height);
        for (int i = 0; i < numQuarters; i++)
        {
            (int si, int sj) = SideRooms[i];
            AddObstructedDoor(1, 1, i, DoorColors[i], locked: false);
            // Python's (i + k) % n with k = -1 wraps to n - 1.
            foreach (int k in (ReadOnlySpan<int>)[-1, 1])
            {
                ObjectColor color = DoorColors[(i + k + DoorColors.Count) % DoorColors.Count];
                if (keysAfterDoors) AddObstructedDoor(si, sj, (i + k + 4) % 4, color, locked: true, blocked: blocked, placeKey: false);
                else AddObstructedDoor(si, sj, (i + k + 4) % 4, color, locked: true, keyInBox, blocked);
            }
            if (keysAfterDoors)
            {
                foreach (int k in (ReadOnlySpan<int>)[-1, 1])
                    AddKey(si, sj, DoorColors[(i + k + DoorColors.Count) % DoorColors.Count], keyInBox);
            }
        }
        (int ci, int cj) = RandomElement(Corners.AsSpan(0, numQuarters).ToArray());
        AddBallToFind(ci, cj);
        PlaceAgentInRoom(_agentRoom.I, _agentRoom.J);
    }
}
