using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary><c>UnlockPickupEnv</c>: unlock the door with its key, then pick up the box in the other room.</summary>
public sealed class UnlockPickupEnv(int? maxSteps = null, int agentViewSize = 7)
    : PickupTargetRoomGridEnv("MiniGrid-UnlockPickup-v0", 6, 1, 2, maxSteps ?? 8 * 6 * 6, agentViewSize)
{
    internal static UnlockPickupEnv Create(EnvOptions options) => new(options.Get<int?>("max_steps", null), MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        base.GenerateGrid(width, height);
        (WorldObject box, _) = AddObject(1, 0, ObjectType.Box);
        (Door door, _) = AddDoor(0, 0, 0, locked: true);
        AddObject(0, 0, ObjectType.Key, door.Color);
        PlaceAgentInRoom(0, 0);
        SetPickupMission(box);
    }
}
