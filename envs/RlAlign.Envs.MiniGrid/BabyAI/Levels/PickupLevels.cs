using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary><c>Pickup</c>: pick up an object, which may be in another room of the maze.</summary>
public sealed class PickupLevel(int roomSize = 8, int numRows = 3, int numCols = 3, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-Pickup-v0", roomSize, numRows, numCols, agentViewSize)
{
    internal static PickupLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_rows", 3, 1), BabyAIOptions.AtLeast(o, "num_cols", 3, 1),
        BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        ConnectAll();
        List<WorldObject> objects = AddDistractors(count: 18, allUnique: false);
        CheckObjectsReachable();
        WorldObject target = RandomElement(objects);
        Instructions = new PickupInstr(new ObjDesc(target.Type, target.Color));
    }
}

/// <summary><c>UnblockPickup</c>: like Pickup, but some object always blocks a path (levels where all are reachable are redrawn).</summary>
public sealed class UnblockPickupLevel(int roomSize = 8, int numRows = 3, int numCols = 3, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-UnblockPickup-v0", roomSize, numRows, numCols, agentViewSize)
{
    internal static UnblockPickupLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_rows", 3, 1), BabyAIOptions.AtLeast(o, "num_cols", 3, 1),
        BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        ConnectAll();
        List<WorldObject> objects = AddDistractors(count: 20, allUnique: false);
        if (CheckObjectsReachable(throwIfNot: false)) throw new RejectSamplingException("all objects reachable");
        WorldObject target = RandomElement(objects);
        Instructions = new PickupInstr(new ObjDesc(target.Type, target.Color));
    }
}

/// <summary>
/// <c>PickupDist</c>: pick up one of five objects, named by kind, colour or both; <c>debug</c> fails the
/// episode on a wrong pickup.
/// </summary>
public sealed class PickupDistLevel(bool debug = false, int agentViewSize = 7) : RoomGridLevel("BabyAI-PickupDist-v0", 7, 1, 1, agentViewSize)
{
    private static readonly string[] SelectBy = ["type", "color", "both"];

    internal static PickupDistLevel Create(EnvOptions o) => new(o.Get("debug", false), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        List<WorldObject> objects = AddDistractors(count: 5);
        PlaceAgentInRoom(0, 0);
        WorldObject target = RandomElement(objects);
        ObjectType? type = target.Type;
        ObjectColor? color = target.Color;
        string select = RandomElement(SelectBy);
        if (select == "color") type = null;
        else if (select == "type") color = null;
        Instructions = new PickupInstr(new ObjDesc(type, color), strict: debug);
    }
}

/// <summary><c>PickupAbove</c>: pick up the object in the room above the agent's.</summary>
public sealed class PickupAboveLevel(int agentViewSize = 7) : RoomGridLevel("BabyAI-PickupAbove-v0", 6, 3, 3, agentViewSize)
{
    internal static PickupAboveLevel Create(EnvOptions o) => new(BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        (WorldObject target, _) = AddObject(1, 0);
        AddDoor(1, 1, 3, locked: false);
        PlaceAgentInRoom(1, 1);
        ConnectAll();
        Instructions = new PickupInstr(new ObjDesc(target.Type, target.Color));
    }
}
