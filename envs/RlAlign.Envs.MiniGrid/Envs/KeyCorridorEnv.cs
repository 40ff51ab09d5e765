using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>KeyCorridorEnv</c>: a hallway of rooms in the middle column; the target sits behind a locked door on
/// the right, its key in a room on the left.
/// </summary>
public sealed class KeyCorridorEnv(int numRows = 3, ObjectType objectType = ObjectType.Ball, int roomSize = 6, int agentViewSize = 7)
    : PickupTargetRoomGridEnv($"MiniGrid-KeyCorridorS{roomSize}R{numRows}-v0", roomSize, numRows, 3, 30 * roomSize * roomSize, agentViewSize)
{
    internal static KeyCorridorEnv Create(EnvOptions options) => new(
        options.Get("num_rows", 3), ParseKind(options.Get("obj_type", "ball")), options.Get("room_size", 6), MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        base.GenerateGrid(width, height);
        for (int j = 1; j < NumRows; j++) RemoveWall(1, j, 3);
        int row = RandomInt(0, NumRows);
        (Door door, _) = AddDoor(2, row, 2, locked: true);
        (WorldObject target, _) = AddObject(2, row, objectType);
        AddObject(0, RandomInt(0, NumRows), ObjectType.Key, door.Color);
        PlaceAgentInRoom(1, NumRows / 2);
        ConnectAll();
        SetPickupMission(target);
    }

    private static ObjectType ParseKind(string kind) => kind switch
    {
        "key" => ObjectType.Key,
        "ball" => ObjectType.Ball,
        "box" => ObjectType.Box,
        _ => throw new ArgumentException($"KeyCorridor obj_type must be key, ball or box, got '{kind}'."),
    };
}
