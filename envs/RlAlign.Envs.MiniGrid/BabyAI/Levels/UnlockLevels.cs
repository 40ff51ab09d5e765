using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary><c>Unlock</c>: open a locked door whose key lies in another room of the maze.</summary>
public sealed class UnlockLevel(int roomSize = 8, int numRows = 3, int numCols = 3, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-Unlock-v0", roomSize, numRows, numCols, agentViewSize)
{
    internal static UnlockLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_rows", 3, 1), BabyAIOptions.AtLeast(o, "num_cols", 3, 1),
        BabyAIOptions.AgentViewSize(o));

    // Indexed by colour: COLOR_NAMES without it, in COLOR_NAMES order.
    private static readonly ObjectColor[][] ColorsOtherThan =
        Enum.GetValues<ObjectColor>().Select(excluded => ObjectColors.Names.Where(c => c != excluded).ToArray()).ToArray();

    protected override void GenerateMission()
    {
        (Door door, int lockedColumn, int lockedRow) = AddLockedDoorWithKeyElsewhere();
        // Half the time the locked door is the only door of its colour.
        if (RandomBool()) ConnectAll(ColorsOtherThan[(int)door.Color]);
        else ConnectAll();
        for (int i = 0; i < NumCols; i++)
            for (int j = 0; j < NumRows; j++)
                if (i != lockedColumn || j != lockedRow) AddDistractors(i, j, count: 3, allUnique: false);
        PlaceAgentOutside(GetRoom(lockedColumn, lockedRow));
        CheckObjectsReachable();
        Instructions = new OpenInstr(new ObjDesc(door.Type, door.Color));
    }
}

/// <summary><c>UnlockLocal</c> (and UnlockLocalDist with three distractors): unlock the middle room's door with the key beside it.</summary>
public sealed class UnlockLocalLevel(bool distractors = false, int roomSize = 8, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-UnlockLocal-v0", roomSize, 3, 3, agentViewSize)
{
    internal static UnlockLocalLevel Create(EnvOptions o) => new(
        o.Get("distractors", false), BabyAIOptions.AtLeast(o, "room_size", 8, 4), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        (Door door, _) = AddDoor(1, 1, locked: true);
        AddObject(1, 1, ObjectType.Key, door.Color);
        if (distractors) AddDistractors(1, 1, count: 3);
        PlaceAgentInRoom(1, 1);
        Instructions = new OpenInstr(new ObjDesc(door.Type));
    }
}

/// <summary><c>KeyInBox</c>: unlock the middle room's door; its key is inside a box in the room.</summary>
public sealed class KeyInBoxLevel(int roomSize = 8, int agentViewSize = 7) : RoomGridLevel("BabyAI-KeyInBox-v0", roomSize, 3, 3, agentViewSize)
{
    internal static KeyInBoxLevel Create(EnvOptions o) => new(BabyAIOptions.AtLeast(o, "room_size", 8, 4), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        (Door door, _) = AddDoor(1, 1, locked: true);
        var box = new Box(RandomColor(), new Key(door.Color));
        PlaceInRoom(1, 1, box);
        PlaceAgentInRoom(1, 1);
        Instructions = new OpenInstr(new ObjDesc(door.Type));
    }
}

/// <summary><c>UnlockPickup</c> (and UnlockPickupDist with four distractors): unlock the door, then pick up the box behind it.</summary>
public sealed class UnlockPickupLevel(bool distractors = false, int agentViewSize = 7) : RoomGridLevel("BabyAI-UnlockPickup-v0", 6, 1, 2, agentViewSize)
{
    internal static UnlockPickupLevel Create(EnvOptions o) => new(o.Get("distractors", false), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        (WorldObject box, _) = AddObject(1, 0, ObjectType.Box);
        (Door door, _) = AddDoor(0, 0, 0, locked: true);
        AddObject(0, 0, ObjectType.Key, door.Color);
        if (distractors) AddDistractors(count: 4);
        PlaceAgentInRoom(0, 0);
        Instructions = new PickupInstr(new ObjDesc(box.Type, box.Color));
    }
}

/// <summary><c>BlockedUnlockPickup</c>: a ball blocks the locked door; move it, unlock the door and pick up the box.</summary>
public sealed class BlockedUnlockPickupLevel(int agentViewSize = 7) : RoomGridLevel("BabyAI-BlockedUnlockPickup-v0", 6, 1, 2, agentViewSize)
{
    internal static BlockedUnlockPickupLevel Create(EnvOptions o) => new(BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        (WorldObject box, _) = AddObject(1, 0, ObjectType.Box);
        (Door door, (int X, int Y) position) = AddDoor(0, 0, 0, locked: true);
        // Python sets the cell directly: the ball is in no room's object list.
        Grid.Set(position.X - 1, position.Y, new Ball(RandomColor()));
        AddObject(0, 0, ObjectType.Key, door.Color);
        PlaceAgentInRoom(0, 0);
        Instructions = new PickupInstr(new ObjDesc(box.Type));
    }
}

/// <summary><c>UnlockToUnlock</c>: unlock door B to reach the key of door A, behind which lies the ball.</summary>
public sealed class UnlockToUnlockLevel(int agentViewSize = 7) : RoomGridLevel("BabyAI-UnlockToUnlock-v0", 6, 1, 3, agentViewSize)
{
    internal static UnlockToUnlockLevel Create(EnvOptions o) => new(BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        List<ObjectColor> colors = RandomSubset(ObjectColors.Names, 2);
        AddDoor(0, 0, 0, colors[0], locked: true);
        AddObject(2, 0, ObjectType.Key, colors[0]);
        AddDoor(1, 0, 0, colors[1], locked: true);
        AddObject(1, 0, ObjectType.Key, colors[1]);
        (WorldObject ball, _) = AddObject(0, 0, ObjectType.Ball);
        PlaceAgentInRoom(1, 0);
        Instructions = new PickupInstr(new ObjDesc(ball.Type));
    }
}
