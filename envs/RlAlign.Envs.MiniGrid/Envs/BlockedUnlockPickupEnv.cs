using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary><c>BlockedUnlockPickupEnv</c>: as UnlockPickup, but a ball blocks the door and must be moved first.</summary>
public sealed class BlockedUnlockPickupEnv(int agentViewSize = 7)
    : PickupTargetRoomGridEnv("MiniGrid-BlockedUnlockPickup-v0", 6, 1, 2, 16 * 6 * 6, agentViewSize)
{
    internal static BlockedUnlockPickupEnv Create(EnvOptions options) => new(MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        base.GenerateGrid(width, height);
        (WorldObject box, _) = AddObject(1, 0, ObjectType.Box);
        (Door door, (int X, int Y) position) = AddDoor(0, 0, 0, locked: true);
        // Python sets the ball with grid.set, so it has no recorded position.
        Grid.Set(position.X - 1, position.Y, new Ball(RandomColor()));
        AddObject(0, 0, ObjectType.Key, door.Color);
        PlaceAgentInRoom(0, 0);
        SetPickupMission(box);
    }
}
