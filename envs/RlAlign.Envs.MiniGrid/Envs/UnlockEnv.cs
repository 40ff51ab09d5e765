using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary><c>UnlockEnv</c>: two 6×6 rooms joined by a locked door; open it with the key of its colour.</summary>
public sealed class UnlockEnv(int? maxSteps = null, int agentViewSize = 7)
    : RoomGridEnv("MiniGrid-Unlock-v0", roomSize: 6, numRows: 1, numCols: 2, maxSteps ?? 8 * 6 * 6, agentViewSize)
{
    private Door? _door;

    internal static UnlockEnv Create(EnvOptions options) => new(options.Get<int?>("max_steps", null), MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        base.GenerateGrid(width, height);
        (Door door, _) = AddDoor(0, 0, 0, locked: true);
        AddObject(0, 0, ObjectType.Key, door.Color);
        PlaceAgentInRoom(0, 0);
        _door = door;
        Mission = "open the door";
    }

    protected override StepResult StepCore(MiniGridAction action)
    {
        StepResult result = base.StepCore(action);
        // Any toggle while the door is open succeeds, as in Python.
        if (action == MiniGridAction.Toggle && _door is { IsOpen: true })
            return new StepResult(SuccessReward(), true, result.Truncated);
        return result;
    }

    protected override void SaveExtraState(BinaryWriter writer) => WriteReference(writer, _door);
    protected override void LoadExtraState(BinaryReader reader) => _door = ReadReference(reader) as Door;
}
