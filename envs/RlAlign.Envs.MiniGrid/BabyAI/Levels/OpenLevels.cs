using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary><c>Open</c>: open a door, which may be in another room of the maze.</summary>
public sealed class OpenLevel(int roomSize = 8, int numRows = 3, int numCols = 3, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-Open-v0", roomSize, numRows, numCols, agentViewSize)
{
    internal static OpenLevel Create(EnvOptions o) => new(
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_rows", 3, 1), BabyAIOptions.AtLeast(o, "num_cols", 3, 1),
        BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        PlaceAgentInRoom();
        ConnectAll();
        AddDistractors(count: 18, allUnique: false);
        CheckObjectsReachable();
        Door door = RandomElement(AllDoors());
        Instructions = new OpenInstr(new ObjDesc(door.Type, door.Color));
    }
}

/// <summary><c>OpenRedDoor</c>: open the red door of a two-room level (for debugging).</summary>
public sealed class OpenRedDoorLevel(int agentViewSize = 7) : RoomGridLevel("BabyAI-OpenRedDoor-v0", 5, 1, 2, agentViewSize)
{
    internal static OpenRedDoorLevel Create(EnvOptions o) => new(BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        AddDoor(0, 0, 0, ObjectColor.Red, locked: false);
        PlaceAgentInRoom(0, 0);
        Instructions = new OpenInstr(new ObjDesc(ObjectType.Door, ObjectColor.Red));
    }
}

/// <summary>
/// <c>OpenDoor</c>: open one of the middle room's four doors, named by colour or by location
/// (<c>select_by</c> "color" or "loc", drawn when null); <c>debug</c> fails the episode on a wrong door.
/// </summary>
public sealed class OpenDoorLevel(bool debug = false, string? selectBy = null, int roomSize = 8, int numRows = 3, int numCols = 3, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-OpenDoor-v0", roomSize, numRows, numCols, agentViewSize)
{
    private static readonly string[] SelectByChoices = ["color", "loc"];

    internal static OpenDoorLevel Create(EnvOptions o) => new(
        o.Get("debug", false), BabyAIOptions.Choice(o, "select_by", null, SelectByChoices),
        BabyAIOptions.AtLeast(o, "room_size", 8, 3), BabyAIOptions.AtLeast(o, "num_rows", 3, 3), BabyAIOptions.AtLeast(o, "num_cols", 3, 3),
        BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        List<ObjectColor> colors = RandomSubset(ObjectColors.Names, 4);
        var doors = new List<Door>(4);
        for (int k = 0; k < 4; k++) doors.Add(AddDoor(1, 1, k, colors[k], locked: false).Door);
        string select = selectBy ?? RandomElement(SelectByChoices);
        ObjDesc description = select == "color"
            ? new ObjDesc(doors[0].Type, doors[0].Color)
            : new ObjDesc(doors[0].Type, location: RandomElement(BabyAIVocabulary.Locations));
        PlaceAgentInRoom(1, 1);
        Instructions = new OpenInstr(description, strict: debug);
    }
}

/// <summary>
/// <c>OpenTwoDoors</c> (and OpenRedBlueDoors*): open the door on the left wall, then the one on the right;
/// <c>strict</c> fails the episode when the second is opened first.
/// </summary>
public sealed class OpenTwoDoorsLevel(ObjectColor? firstColor = null, ObjectColor? secondColor = null, bool strict = false, int agentViewSize = 7)
    : RoomGridLevel("BabyAI-OpenTwoDoors-v0", 6, 3, 3, agentViewSize)
{
    internal static OpenTwoDoorsLevel Create(EnvOptions o) => new(
        BabyAIOptions.Color(o, "first_color"), BabyAIOptions.Color(o, "second_color"), o.Get("strict", false), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        // Python draws the two colours even when both are given.
        List<ObjectColor> colors = RandomSubset(ObjectColors.Names, 2);
        (Door first, _) = AddDoor(1, 1, 2, firstColor ?? colors[0], locked: false);
        (Door second, _) = AddDoor(1, 1, 0, secondColor ?? colors[1], locked: false);
        PlaceAgentInRoom(1, 1);
        Instructions = new BeforeInstr(
            new OpenInstr(new ObjDesc(first.Type, first.Color), strict),
            new OpenInstr(new ObjDesc(second.Type, second.Color)));
    }
}

/// <summary><c>OpenDoorsOrder</c>: open one door, or two in the order said, among <c>num_doors</c> of the middle room.</summary>
public sealed class OpenDoorsOrderLevel(int numDoors, bool debug = false, int agentViewSize = 7)
    : RoomGridLevel($"BabyAI-OpenDoorsOrderN{numDoors}-v0", 6, 3, 3, agentViewSize)
{
    internal static OpenDoorsOrderLevel Create(EnvOptions o) => new(
        BabyAIOptions.InRange(o, "num_doors", 2, 2, 4), o.Get("debug", false), BabyAIOptions.AgentViewSize(o));

    protected override void GenerateMission()
    {
        List<ObjectColor> colors = RandomSubset(ObjectColors.Names, numDoors);
        var doors = new List<Door>(numDoors);
        for (int k = 0; k < numDoors; k++) doors.Add(AddDoor(1, 1, color: colors[k], locked: false).Door);
        PlaceAgentInRoom(1, 1);
        List<Door> pair = RandomSubset(doors, 2);
        var first = new ObjDesc(pair[0].Type, pair[0].Color);
        var second = new ObjDesc(pair[1].Type, pair[1].Color);
        Instructions = RandomInt(0, 3) switch
        {
            0 => new OpenInstr(first, debug),
            1 => new BeforeInstr(new OpenInstr(first, debug), new OpenInstr(second, debug)),
            _ => new AfterInstr(new OpenInstr(first, debug), new OpenInstr(second, debug)),
        };
    }
}
