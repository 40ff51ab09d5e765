using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary><c>PutNextLocal</c>: put one of the room's objects (all distinct) next to another.</summary>
public sealed class PutNextLocalLevel(int roomSize = 8, int numObjects = 8, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-PutNextLocal-v0", roomSize, 1, 1, agentViewSize)
{
    internal static PutNextLocalLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.InRange(o, "num_objs", 8, 2, 18), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        List<WorldObject> objects = AddDistractors(count: numObjects, allUnique: true);
        CheckObjectsReachable();
        List<WorldObject> pair = RandomSubset(objects, 2);
        Instructions = new PutNextInstr(new ObjDesc(pair[0].Type, pair[0].Color), new ObjDesc(pair[1].Type, pair[1].Color));
    }
}

/// <summary>
/// <c>PutNext</c>: two rooms joined by a removed wall, <c>objs_per_room</c> objects in each; put an object of one
/// room next to one of the other. With <c>start_carrying</c> the agent holds the object to move from the start.
/// </summary>
public sealed class PutNextLevel(int roomSize, int objectsPerRoom, bool startCarrying = false, int agentViewSize = 7)
    : RoomGridLevel($"BabyAI-PutNextS{roomSize}N{objectsPerRoom}-v0", roomSize, 1, 2, agentViewSize)
{
    private WorldObject? _objectToMove;

    internal static PutNextLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 4, 4), BabyAIOptions.InRange(o, "objs_per_room", 1, 1, 9), o.Get("start_carrying", false),
        BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom(0, 0);
        // Objects on both sides, so that the two sets start apart.
        List<WorldObject> left = AddDistractors(0, 0, objectsPerRoom);
        List<WorldObject> right = AddDistractors(1, 0, objectsPerRoom);
        RemoveWall(0, 0, 0);
        WorldObject a = RandomElement(left);
        WorldObject b = RandomElement(right);
        if (RandomBool()) (a, b) = (b, a);
        _objectToMove = a;
        Instructions = new PutNextInstr(new ObjDesc(a.Type, a.Color), new ObjDesc(b.Type, b.Color));
    }

    protected override void AfterReset()
    {
        base.AfterReset();
        // As in Python, after the verifier is reset and after the observation was made: the first observation
        // does not show the carried object.
        if (startCarrying && _objectToMove is { } carried)
        {
            Grid.Set(carried.InitialPosition.X, carried.InitialPosition.Y, null);
            Carrying = carried;
        }
    }
}
