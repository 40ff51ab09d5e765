using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary><c>GoToRedBallGrey</c>: go to the red ball in one room; the distractors are repainted grey.</summary>
public sealed class GoToRedBallGreyLevel(int roomSize = 8, int numDistractors = 7, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-GoToRedBallGrey-v0", roomSize, 1, 1, agentViewSize)
{
    internal static GoToRedBallGreyLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_dists", 7, 0), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        (WorldObject ball, _) = AddObject(0, 0, ObjectType.Ball, ObjectColor.Red);
        foreach (WorldObject distractor in AddDistractors(count: numDistractors, allUnique: false)) distractor.Color = ObjectColor.Grey;
        CheckObjectsReachable();
        Instructions = new GoToInstr(new ObjDesc(ball.Type, ball.Color));
    }
}

/// <summary><c>GoToRedBall</c> (and <c>GoToRedBallNoDists</c> with no distractors): go to the red ball in one room.</summary>
public sealed class GoToRedBallLevel(int roomSize = 8, int numDistractors = 7, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-GoToRedBall-v0", roomSize, 1, 1, agentViewSize)
{
    internal static GoToRedBallLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_dists", 7, 0), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        (WorldObject ball, _) = AddObject(0, 0, ObjectType.Ball, ObjectColor.Red);
        AddDistractors(count: numDistractors, allUnique: false);
        CheckObjectsReachable();
        Instructions = new GoToInstr(new ObjDesc(ball.Type, ball.Color));
    }
}

/// <summary><c>GoToObj</c>: go to the only object of a single room.</summary>
public sealed class GoToObjLevel(int roomSize = 8, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-GoToObj-v0", roomSize, 1, 1, agentViewSize)
{
    internal static GoToObjLevel Create(EnvOptions o) => new(BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        WorldObject target = AddDistractors(count: 1)[0];
        Instructions = new GoToInstr(new ObjDesc(target.Type, target.Color));
    }
}

/// <summary><c>GoToLocal</c>: go to one of the room's distractors.</summary>
public sealed class GoToLocalLevel(int roomSize = 8, int numDistractors = 8, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-GoToLocal-v0", roomSize, 1, 1, agentViewSize)
{
    internal static GoToLocalLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_dists", 8, 1), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        List<WorldObject> objects = AddDistractors(count: numDistractors, allUnique: false);
        CheckObjectsReachable();
        WorldObject target = RandomElement(objects);
        Instructions = new GoToInstr(new ObjDesc(target.Type, target.Color));
    }
}

/// <summary><c>GoTo</c> (also GoToOpen, GoToObjMaze*): go to an object that may be in another room of the maze.</summary>
public sealed class GoToLevel(int roomSize = 8, int numRows = 3, int numCols = 3, int numDistractors = 18, bool doorsOpen = false, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-GoTo-v0", roomSize, numRows, numCols, agentViewSize)
{
    internal static GoToLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_rows", 3, 1), BabyAIOptions.AtLeast(o, "num_cols", 3, 1),
        BabyAIOptions.AtLeast(o, "num_dists", 18, 1), o.Get("doors_open", false), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        ConnectAll();
        List<WorldObject> objects = AddDistractors(count: numDistractors, allUnique: false);
        CheckObjectsReachable();
        WorldObject target = RandomElement(objects);
        Instructions = new GoToInstr(new ObjDesc(target.Type, target.Color));
        if (doorsOpen) OpenAllDoors();
    }
}

/// <summary><c>GoToImpUnlock</c>: go to the one object inside a locked room, whose key lies in another room.</summary>
public sealed class GoToImpUnlockLevel(int roomSize = 8, int numRows = 3, int numCols = 3, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-GoToImpUnlock-v0", roomSize, numRows, numCols, agentViewSize)
{
    internal static GoToImpUnlockLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_rows", 3, 1), BabyAIOptions.AtLeast(o, "num_cols", 3, 1),
        BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        (_, int lockedColumn, int lockedRow) = AddLockedDoorWithKeyElsewhere();
        ConnectAll();
        // No distractors in the locked room, so that the reachability test below can pass.
        for (int i = 0; i < NumCols; i++)
            for (int j = 0; j < NumRows; j++)
                if (i != lockedColumn || j != lockedRow) AddDistractors(i, j, count: 2, allUnique: false);
        PlaceAgentOutside(GetRoom(lockedColumn, lockedRow));
        CheckObjectsReachable();
        WorldObject target = AddDistractors(lockedColumn, lockedRow, count: 1, allUnique: false)[0];
        Instructions = new GoToInstr(new ObjDesc(target.Type, target.Color));
    }
}

/// <summary><c>GoToRedBlueBall</c>: go to the only red or blue ball among distractors that are neither.</summary>
public sealed class GoToRedBlueBallLevel(int roomSize = 8, int numDistractors = 7, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-GoToRedBlueBall-v0", roomSize, 1, 1, agentViewSize)
{
    private static readonly ObjectColor[] RedOrBlue = [ObjectColor.Red, ObjectColor.Blue];

    internal static GoToRedBlueBallLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_dists", 7, 0), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        foreach (WorldObject distractor in AddDistractors(count: numDistractors, allUnique: false))
            if (distractor.Type == ObjectType.Ball && distractor.Color is ObjectColor.Blue or ObjectColor.Red)
                throw new RejectSamplingException("can only have one blue or red ball");
        ObjectColor color = RandomElement(RedOrBlue);
        (WorldObject ball, _) = AddObject(0, 0, ObjectType.Ball, color);
        CheckObjectsReachable();
        Instructions = new GoToInstr(new ObjDesc(ball.Type, ball.Color));
    }
}

/// <summary><c>GoToDoor</c>: go to the door of a given colour among the middle room's four.</summary>
public sealed class GoToDoorLevel(int agentViewSize = 7) : RoomGridLevel("BabyAI-GoToDoor-v0", 7, 3, 3, agentViewSize)
{
    internal static GoToDoorLevel Create(EnvOptions o) => new(BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        var doors = new List<Door>(4);
        for (int k = 0; k < 4; k++) doors.Add(AddDoor(1, 1).Door);
        PlaceAgentInRoom(1, 1);
        Door target = RandomElement(doors);
        Instructions = new GoToInstr(new ObjDesc(ObjectType.Door, target.Color));
    }
}

/// <summary><c>GoToObjDoor</c>: go to an object or a door of the middle room.</summary>
public sealed class GoToObjDoorLevel(int agentViewSize = 7) : RoomGridLevel("BabyAI-GoToObjDoor-v0", 8, 3, 3, agentViewSize)
{
    internal static GoToObjDoorLevel Create(EnvOptions o) => new(BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom(1, 1);
        List<WorldObject> objects = AddDistractors(1, 1, count: 8, allUnique: false);
        for (int k = 0; k < 4; k++) objects.Add(AddDoor(1, 1).Door);
        CheckObjectsReachable();
        WorldObject target = RandomElement(objects);
        Instructions = new GoToInstr(new ObjDesc(target.Type, target.Color));
    }
}
