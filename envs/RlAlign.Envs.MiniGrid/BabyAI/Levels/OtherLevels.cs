using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary><c>ActionObjDoor</c>: pick up or go to an object, or open or go to a door, of the middle room.</summary>
public sealed class ActionObjDoorLevel(int agentViewSize = 7) : RoomGridLevel("BabyAI-ActionObjDoor-v0", 7, 3, 3, agentViewSize)
{
    internal static ActionObjDoorLevel Create(EnvOptions o) => new(BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        List<WorldObject> objects = AddDistractors(1, 1, count: 5);
        for (int k = 0; k < 4; k++) objects.Add(AddDoor(1, 1, locked: false).Door);
        PlaceAgentInRoom(1, 1);
        WorldObject target = RandomElement(objects);
        var description = new ObjDesc(target.Type, target.Color);
        bool goTo = RandomBool();
        Instructions = goTo ? new GoToInstr(description)
            : target.Type == ObjectType.Door ? new OpenInstr(description) : new PickupInstr(description);
    }
}

/// <summary><c>FindObjS5</c> (S6, S7): pick up the one object, in a random room.</summary>
public sealed class FindObjLevel(int roomSize = 5, int agentViewSize = 7) : RoomGridLevel($"BabyAI-FindObjS{roomSize}-v0", roomSize, 3, 3, agentViewSize)
{
    internal static FindObjLevel Create(EnvOptions o) => new(BabyAIOptions.AtLeast(o, "room_size", 5, 4), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        // Python draws i over rows and j over columns, then uses them as (column, row); the grid is square.
        int i = RandomInt(0, NumRows);
        int j = RandomInt(0, NumCols);
        (WorldObject target, _) = AddObject(i, j);
        PlaceAgentInRoom(1, 1);
        ConnectAll();
        Instructions = new PickupInstr(new ObjDesc(target.Type));
    }
}

/// <summary><c>KeyCorridor</c>: the object is behind a locked door off the middle corridor, its key in a room on the left.</summary>
public sealed class KeyCorridorLevel(int numRows = 3, ObjectType objectType = ObjectType.Ball, int roomSize = 6, int agentViewSize = 7)
    : RoomGridLevel($"BabyAI-KeyCorridorS{roomSize}R{numRows}-v0", roomSize, numRows, 3, agentViewSize)
{
    internal static KeyCorridorLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "num_rows", 3, 1), BabyAIOptions.PickableKind(o, "obj_type", "ball"), BabyAIOptions.AtLeast(o, "room_size", 6, 3),
        BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        for (int j = 1; j < NumRows; j++) RemoveWall(1, j, 3);
        int row = RandomInt(0, NumRows);
        (Door door, _) = AddDoor(2, row, 2, locked: true);
        (WorldObject target, _) = AddObject(2, row, objectType);
        AddObject(0, RandomInt(0, NumRows), ObjectType.Key, door.Color);
        PlaceAgentInRoom(1, NumRows / 2);
        ConnectAll();
        Instructions = new PickupInstr(new ObjDesc(target.Type));
    }
}

/// <summary><c>OneRoomS8</c> (S12, S16, S20): pick up the ball in one room.</summary>
public sealed class OneRoomLevel(int roomSize = 8, int agentViewSize = 7) : RoomGridLevel($"BabyAI-OneRoomS{roomSize}-v0", roomSize, 1, 1, agentViewSize)
{
    internal static OneRoomLevel Create(EnvOptions o) => new(BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        (WorldObject ball, _) = AddObject(0, 0, ObjectType.Ball);
        PlaceAgentInRoom();
        Instructions = new PickupInstr(new ObjDesc(ball.Type));
    }
}

/// <summary><c>MoveTwoAcross</c>: two rooms joined by a removed wall; put A next to B, then C next to D, across the rooms.</summary>
public sealed class MoveTwoAcrossLevel(int roomSize, int objectsPerRoom, int agentViewSize = 7)
    : RoomGridLevel($"BabyAI-MoveTwoAcrossS{roomSize}N{objectsPerRoom}-v0", roomSize, 1, 2, agentViewSize)
{
    internal static MoveTwoAcrossLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 5, 4), BabyAIOptions.InRange(o, "objs_per_room", 2, 2, 9), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom(0, 0);
        List<WorldObject> left = AddDistractors(0, 0, objectsPerRoom);
        List<WorldObject> right = AddDistractors(1, 0, objectsPerRoom);
        RemoveWall(0, 0, 0);
        left = RandomSubset(left, 2);
        right = RandomSubset(right, 2);
        (WorldObject a, WorldObject b, WorldObject c, WorldObject d) = (left[0], right[0], right[1], left[1]);
        Instructions = new BeforeInstr(
            new PutNextInstr(new ObjDesc(a.Type, a.Color), new ObjDesc(b.Type, b.Color)),
            new PutNextInstr(new ObjDesc(c.Type, c.Color), new ObjDesc(d.Type, d.Color)));
    }
}
