namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// One room of a <see cref="RoomGridEnv"/> (Minigrid's <c>Room</c>). Walls and neighbours are indexed
/// right, down, left, up.
/// </summary>
public sealed class Room((int X, int Y) top, (int Width, int Height) size)
{
    public (int X, int Y) Top { get; } = top;
    public (int Width, int Height) Size { get; } = size;

    /// <summary>The door on each wall, or null.</summary>
    public Door?[] Doors { get; } = new Door?[4];

    /// <summary>Walls removed by <see cref="RoomGridEnv.RemoveWall"/> (Python stores <c>True</c> in <c>doors</c>).</summary>
    public bool[] WallRemoved { get; } = new bool[4];

    /// <summary>Where a door on each wall goes (drawn when the grid is built), or null on an outer wall.</summary>
    public (int X, int Y)?[] DoorPositions { get; } = new (int X, int Y)?[4];
    public Room?[] Neighbors { get; } = new Room?[4];
    public bool Locked { get; set; }
    public List<WorldObject> Objects { get; } = [];

    /// <summary>Python's truthiness of <c>room.doors[k]</c>: a door or a removed wall connects the rooms.</summary>
    public bool IsConnected(int wall) => Doors[wall] is not null || WallRemoved[wall];

    public bool Contains(int x, int y) => x >= Top.X && y >= Top.Y && x < Top.X + Size.Width && y < Top.Y + Size.Height;

    /// <summary>Forgets the previous layout's doors, neighbours and objects, so a reset can reuse the room.</summary>
    internal void Clear()
    {
        Array.Clear(Doors);
        Array.Clear(WallRemoved);
        Array.Clear(DoorPositions);
        Array.Clear(Neighbors);
        Locked = false;
        Objects.Clear();
    }
}

/// <summary>
/// Minigrid's <c>RoomGrid</c>: rows × columns of square rooms sharing walls, with helpers to add doors,
/// objects and the agent per room. The room bookkeeping only serves layout generation.
/// </summary>
public abstract class RoomGridEnv : MiniGridEnv
{
    private Room[,] _rooms = new Room[0, 0];

    protected RoomGridEnv(string defaultId, int roomSize = 7, int numRows = 3, int numCols = 3, int maxSteps = 100, int agentViewSize = 7,
        int missionMaxLength = MissionMaxLength)
        : base(defaultId, (roomSize - 1) * numCols + 1, (roomSize - 1) * numRows + 1, maxSteps, seeThroughWalls: false, agentViewSize,
            missionMaxLength: missionMaxLength)
    {
        if (roomSize < 3 || numRows <= 0 || numCols <= 0)
            throw new ArgumentException($"{defaultId}: room_size must be >= 3 and num_rows, num_cols positive (got {roomSize}, {numRows}, {numCols}).");
        RoomSize = roomSize;
        NumRows = numRows;
        NumCols = numCols;
    }

    public int RoomSize { get; }
    public int NumRows { get; }
    public int NumCols { get; }

    public Room GetRoom(int i, int j) => _rooms[j, i];

    public Room RoomFromPosition(int x, int y) => _rooms[y / (RoomSize - 1), x / (RoomSize - 1)];

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        // The rooms' places never change for an env, so resets reuse them (no allocation per reset).
        bool reuseRooms = _rooms.Length > 0;
        if (!reuseRooms) _rooms = new Room[NumRows, NumCols];
        for (int j = 0; j < NumRows; j++)
        {
            for (int i = 0; i < NumCols; i++)
            {
                Room room = reuseRooms ? _rooms[j, i] : new Room((i * (RoomSize - 1), j * (RoomSize - 1)), (RoomSize, RoomSize));
                room.Clear();
                _rooms[j, i] = room;
                Grid.WallRectangle(room.Top.X, room.Top.Y, room.Size.Width, room.Size.Height);
            }
        }

        for (int j = 0; j < NumRows; j++)
        {
            for (int i = 0; i < NumCols; i++)
            {
                Room room = _rooms[j, i];
                int xLow = room.Top.X + 1, yLow = room.Top.Y + 1;
                int xHigh = room.Top.X + room.Size.Width - 1, yHigh = room.Top.Y + room.Size.Height - 1;
                if (i < NumCols - 1)
                {
                    room.Neighbors[0] = _rooms[j, i + 1];
                    room.DoorPositions[0] = (xHigh, RandomInt(yLow, yHigh));
                }
                if (j < NumRows - 1)
                {
                    room.Neighbors[1] = _rooms[j + 1, i];
                    room.DoorPositions[1] = (RandomInt(xLow, xHigh), yHigh);
                }
                if (i > 0)
                {
                    room.Neighbors[2] = _rooms[j, i - 1];
                    room.DoorPositions[2] = room.Neighbors[2]!.DoorPositions[0];
                }
                if (j > 0)
                {
                    room.Neighbors[3] = _rooms[j - 1, i];
                    room.DoorPositions[3] = room.Neighbors[3]!.DoorPositions[1];
                }
            }
        }

        // The agent starts in the middle room's centre, facing right, until an env places it.
        AgentPosition = ((NumCols / 2) * (RoomSize - 1) + RoomSize / 2, (NumRows / 2) * (RoomSize - 1) + RoomSize / 2);
        AgentDirection = 0;
    }

    /// <summary><c>place_in_room</c>: not on, nor next to, the agent's current position; at most 1000 tries.</summary>
    public (int X, int Y) PlaceInRoom(int i, int j, WorldObject value)
    {
        Room room = GetRoom(i, j);
        (int X, int Y) position = PlaceObject(value, room.Top, room.Size, RejectNextToAgent, maxTries: 1000);
        room.Objects.Add(value);
        return position;
    }

    /// <summary><c>add_object</c>: a key, ball or box (kind and colour drawn when not given, kind first).</summary>
    public (WorldObject Object, (int X, int Y) Position) AddObject(int i, int j, ObjectType? kind = null, ObjectColor? color = null)
    {
        ObjectType type = kind ?? RandomElement(PickableKinds);
        ObjectColor objectColor = color ?? RandomColor();
        WorldObject value = type switch
        {
            ObjectType.Key => new Key(objectColor),
            ObjectType.Ball => new Ball(objectColor),
            ObjectType.Box => new Box(objectColor),
            _ => throw new ArgumentException($"{type} object kind is not available in this environment.", nameof(kind)),
        };
        return (value, PlaceInRoom(i, j, value));
    }

    /// <summary>Python's <c>["key", "ball", "box"]</c>, in that order, for random kinds.</summary>
    protected static IReadOnlyList<ObjectType> PickableKinds { get; } = [ObjectType.Key, ObjectType.Ball, ObjectType.Box];

    /// <summary><c>add_door</c>: a door on a wall of room (i, j) towards a neighbour; wall, colour and lock drawn when not given.</summary>
    public (Door Door, (int X, int Y) Position) AddDoor(int i, int j, int? doorIndex = null, ObjectColor? color = null, bool? locked = null)
    {
        Room room = GetRoom(i, j);
        int wall;
        if (doorIndex is int given)
        {
            wall = given;
        }
        else
        {
            // Redraw until the wall has a neighbour and no door yet.
            do wall = RandomInt(0, 4);
            while (room.Neighbors[wall] is null || room.IsConnected(wall));
        }
        ObjectColor doorColor = color ?? RandomColor();
        bool isLocked = locked ?? RandomBool();
        if (room.IsConnected(wall)) throw new InvalidOperationException($"{DisplayName}: room ({i}, {j}) already has a door on wall {wall}.");

        room.Locked = isLocked;
        var door = new Door(doorColor, isLocked: isLocked);
        (int X, int Y) position = room.DoorPositions[wall]
            ?? throw new InvalidOperationException($"{DisplayName}: room ({i}, {j}) has no neighbour on wall {wall}.");
        Grid.Set(position.X, position.Y, door);
        door.CurrentPosition = position;
        room.Doors[wall] = door;
        room.Neighbors[wall]!.Doors[(wall + 2) % 4] = door;
        return (door, position);
    }

    /// <summary><c>remove_wall</c>: opens the whole wall between room (i, j) and its neighbour.</summary>
    public void RemoveWall(int i, int j, int wall)
    {
        Room room = GetRoom(i, j);
        if (room.IsConnected(wall) || room.Neighbors[wall] is not Room neighbor)
            throw new InvalidOperationException($"{DisplayName}: cannot remove wall {wall} of room ({i}, {j}).");
        (int tx, int ty) = room.Top;
        (int w, int h) = room.Size;
        switch (wall)
        {
            case 0: for (int k = 1; k < h - 1; k++) Grid.Set(tx + w - 1, ty + k, null); break;
            case 1: for (int k = 1; k < w - 1; k++) Grid.Set(tx + k, ty + h - 1, null); break;
            case 2: for (int k = 1; k < h - 1; k++) Grid.Set(tx, ty + k, null); break;
            default: for (int k = 1; k < w - 1; k++) Grid.Set(tx + k, ty, null); break;
        }
        room.WallRemoved[wall] = true;
        neighbor.WallRemoved[(wall + 2) % 4] = true;
    }

    /// <summary>
    /// RoomGrid's <c>place_agent(i, j)</c>: a random room when not given (column drawn first), then
    /// positions (and directions) are redrawn until the agent does not face an object other than a wall.
    /// </summary>
    public (int X, int Y) PlaceAgentInRoom(int? i = null, int? j = null, bool randomDirection = true)
    {
        int column = i ?? RandomInt(0, NumCols);
        int row = j ?? RandomInt(0, NumRows);
        Room room = _rooms[row, column];
        while (true)
        {
            PlaceAgent(room.Top, room.Size, randomDirection, maxTries: 1000);
            WorldObject? front = Grid.Get(FrontPosition.X, FrontPosition.Y);
            if (front is null || front.Type == ObjectType.Wall) return AgentPosition;
        }
    }

    /// <summary>
    /// <c>connect_all</c>: adds unlocked doors at random walls until every room is reachable from the
    /// agent's room, drawing column, row and wall each iteration (and a colour per added door). Returns how many
    /// doors it added (Python returns the doors, which no level uses; a count allocates nothing).
    /// </summary>
    public int ConnectAll(IReadOnlyList<ObjectColor>? doorColors = null, int maxIterations = 5000)
    {
        doorColors ??= ObjectColors.Names;
        Room start = RoomFromPosition(AgentPosition.X, AgentPosition.Y);
        int added = 0;
        for (int iteration = 0; ; iteration++)
        {
            if (iteration > maxIterations) throw new PlacementFailedException($"{DisplayName}: connect_all failed after {maxIterations} iterations.");
            if (CountReachable(start) == NumRows * NumCols) return added;
            int i = RandomInt(0, NumCols);
            int j = RandomInt(0, NumRows);
            int k = RandomInt(0, 4);
            Room room = GetRoom(i, j);
            if (room.DoorPositions[k] is null || room.IsConnected(k)) continue;
            if (room.Locked || room.Neighbors[k]!.Locked) continue;
            ObjectColor color = RandomElement(doorColors);
            AddDoor(i, j, k, color, false);
            added++;
        }
    }

    /// <summary>
    /// <c>add_distractors</c>: random keys, balls and boxes (colour drawn before kind), distinct from every
    /// object already in a room when <paramref name="allUnique"/>.
    /// </summary>
    public List<WorldObject> AddDistractors(int? i = null, int? j = null, int count = 10, bool allUnique = true)
    {
        // Which (kind, colour) pairs some room already holds, indexed by kind * colours + colour.
        Span<bool> existing = stackalloc bool[KindColorPairs];
        foreach (Room room in _rooms)
            foreach (WorldObject value in room.Objects) existing[KindColorIndex(value.Type, value.Color)] = true;
        var distractors = new List<WorldObject>(count);
        while (distractors.Count < count)
        {
            ObjectColor color = RandomElement(ObjectColors.Names);
            ObjectType type = RandomElement(PickableKinds);
            if (allUnique && existing[KindColorIndex(type, color)]) continue;
            int column = i ?? RandomInt(0, NumCols);
            int row = j ?? RandomInt(0, NumRows);
            (WorldObject value, _) = AddObject(column, row, type, color);
            existing[KindColorIndex(type, color)] = true;
            distractors.Add(value);
        }
        return distractors;
    }

    private const int KindColorPairs = ((int)ObjectType.Agent + 1) * ((int)ObjectColor.Grey + 1);

    private static int KindColorIndex(ObjectType type, ObjectColor color) => (int)type * ((int)ObjectColor.Grey + 1) + (int)color;

    // connect_all counts reachable rooms after every door it tries; the search reuses these.
    private readonly HashSet<Room> _reached = [];
    private readonly Stack<Room> _searchStack = new();

    private int CountReachable(Room start)
    {
        HashSet<Room> reached = _reached;
        Stack<Room> stack = _searchStack;
        reached.Clear();
        stack.Clear();
        stack.Push(start);
        while (stack.Count > 0)
        {
            Room room = stack.Pop();
            if (!reached.Add(room)) continue;
            for (int k = 0; k < 4; k++)
                if (room.IsConnected(k)) stack.Push(room.Neighbors[k]!);
        }
        return reached.Count;
    }

    private static bool RejectNextToAgent(MiniGridEnv env, (int X, int Y) position)
        => Math.Abs(env.AgentPosition.X - position.X) + Math.Abs(env.AgentPosition.Y - position.Y) < 2;
}
