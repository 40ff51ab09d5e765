using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>MultiRoomEnv</c>: a chain of rooms of random sizes joined by closed doors, the goal in the last one.
/// Layout search is Python's: a recursive placement of rooms from a random entry point, repeated until
/// a chain of the drawn length fits.
/// </summary>
public sealed class MultiRoomEnv : MiniGridEnv
{
    private readonly int _minRooms, _maxRooms, _maxRoomSize;

    public MultiRoomEnv(int minNumRooms, int maxNumRooms, int maxRoomSize = 10, int width = 25, int height = 25, int? maxSteps = null, int agentViewSize = 7)
        : base("MiniGrid-MultiRoom-N6-v0", width, height, maxSteps ?? maxNumRooms * 20, seeThroughWalls: false, agentViewSize)
    {
        if (minNumRooms <= 0 || maxNumRooms < minNumRooms || maxRoomSize < 4)
            throw new ArgumentException($"MultiRoom needs 0 < minNumRooms <= maxNumRooms and maxRoomSize >= 4 (got {minNumRooms}, {maxNumRooms}, {maxRoomSize}).");
        _minRooms = minNumRooms;
        _maxRooms = maxNumRooms;
        _maxRoomSize = maxRoomSize;
    }

    internal static MultiRoomEnv Create(EnvOptions options) => new(
        options.Get("minNumRooms", 6), options.Get("maxNumRooms", 6), options.Get("maxRoomSize", 10),
        options.Get("width", 25), options.Get("height", 25), options.Get<int?>("max_steps", null), MiniGridOptions.AgentViewSize(options));

    /// <summary>The rooms of the current layout, first (agent) to last (goal).</summary>
    public IReadOnlyList<ChainRoom> Rooms { get; private set; } = [];

    /// <summary>A room of the chain: its rectangle and the door it is entered through.</summary>
    public sealed record ChainRoom((int X, int Y) Top, (int Width, int Height) Size, (int X, int Y) EntryDoorPosition);

    protected override void GenerateGrid(int width, int height)
    {
        var rooms = new List<ChainRoom>();
        int roomCount = RandomInt(_minRooms, _maxRooms + 1);
        while (rooms.Count < roomCount)
        {
            var candidate = new List<ChainRoom>();
            // Python draws both coordinates with width - 2 (the map is square by default).
            (int X, int Y) entry = (RandomInt(0, width - 2), RandomInt(0, width - 2));
            PlaceRoom(roomCount, candidate, 4, _maxRoomSize, entryDoorWall: 2, entry);
            if (candidate.Count > rooms.Count) rooms = candidate;
        }
        Rooms = rooms;

        Grid = EmptyGrid(width, height);
        ObjectColor? previousDoorColor = null;
        for (int index = 0; index < rooms.Count; index++)
        {
            ChainRoom room = rooms[index];
            (int topX, int topY) = room.Top;
            (int sizeX, int sizeY) = room.Size;
            for (int i = 0; i < sizeX; i++)
            {
                Grid.Set(topX + i, topY, Wall.Grey);
                Grid.Set(topX + i, topY + sizeY - 1, Wall.Grey);
            }
            for (int j = 0; j < sizeY; j++)
            {
                Grid.Set(topX, topY + j, Wall.Grey);
                Grid.Set(topX + sizeX - 1, topY + j, Wall.Grey);
            }
            if (index > 0)
            {
                // A colour other than the previous door's, picked from the alphabetical list.
                var colors = ObjectColors.Names.Where(c => c != previousDoorColor).ToArray();
                ObjectColor doorColor = RandomElement(colors);
                Grid.Set(room.EntryDoorPosition.X, room.EntryDoorPosition.Y, new Door(doorColor));
                previousDoorColor = doorColor;
            }
        }

        PlaceAgent(rooms[0].Top, rooms[0].Size);
        PlaceObject(new Goal(), rooms[^1].Top, rooms[^1].Size);
        Mission = "traverse the rooms to get to the goal";
    }

    /// <summary>Python's <c>_placeRoom</c>; false when this room cannot be placed.</summary>
    private bool PlaceRoom(int roomsLeft, List<ChainRoom> rooms, int minSize, int maxSize, int entryDoorWall, (int X, int Y) entryDoorPosition)
    {
        int sizeX = RandomInt(minSize, maxSize + 1);
        int sizeY = RandomInt(minSize, maxSize + 1);
        int topX, topY;
        if (rooms.Count == 0)
        {
            (topX, topY) = entryDoorPosition;
        }
        else
        {
            switch (entryDoorWall)
            {
                case 0:
                    topX = entryDoorPosition.X - sizeX + 1;
                    topY = RandomInt(entryDoorPosition.Y - sizeY + 2, entryDoorPosition.Y);
                    break;
                case 1:
                    topX = RandomInt(entryDoorPosition.X - sizeX + 2, entryDoorPosition.X);
                    topY = entryDoorPosition.Y - sizeY + 1;
                    break;
                case 2:
                    topX = entryDoorPosition.X;
                    topY = RandomInt(entryDoorPosition.Y - sizeY + 2, entryDoorPosition.Y);
                    break;
                default:
                    topX = RandomInt(entryDoorPosition.X - sizeX + 2, entryDoorPosition.X);
                    topY = entryDoorPosition.Y;
                    break;
            }
        }

        if (topX < 0 || topY < 0) return false;
        // Python's asymmetric bounds (>= for the height) are kept: they change which layouts fit.
        if (topX + sizeX > Width || topY + sizeY >= Height) return false;
        // Rooms may touch the room they are entered from (the last one), but no earlier one.
        for (int k = 0; k < rooms.Count - 1; k++)
        {
            ChainRoom room = rooms[k];
            bool apart = topX + sizeX < room.Top.X || room.Top.X + room.Size.Width <= topX
                || topY + sizeY < room.Top.Y || room.Top.Y + room.Size.Height <= topY;
            if (!apart) return false;
        }

        rooms.Add(new ChainRoom((topX, topY), (sizeX, sizeY), entryDoorPosition));
        if (roomsLeft == 1) return true;

        for (int attempt = 0; attempt < 8; attempt++)
        {
            // A pick from sorted({0, 1, 2, 3} - {entry wall}).
            int pick = RandomInt(0, 3);
            int exitWall = pick < entryDoorWall ? pick : pick + 1;
            int nextEntryWall = (exitWall + 2) % 4;
            (int X, int Y) exit = exitWall switch
            {
                0 => (topX + sizeX - 1, topY + RandomInt(1, sizeY - 1)),
                1 => (topX + RandomInt(1, sizeX - 1), topY + sizeY - 1),
                2 => (topX, topY + RandomInt(1, sizeY - 1)),
                _ => (topX + RandomInt(1, sizeX - 1), topY),
            };
            if (PlaceRoom(roomsLeft - 1, rooms, minSize, maxSize, nextEntryWall, exit)) break;
        }
        return true;
    }
}
