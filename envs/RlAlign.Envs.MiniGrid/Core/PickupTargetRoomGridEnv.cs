using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// What UnlockPickup, BlockedUnlockPickup and KeyCorridor share: the episode succeeds when a
/// <c>pickup</c> leaves the agent carrying the target object (that very object, as Python compares).
/// </summary>
public abstract class PickupTargetRoomGridEnv(string defaultId, int roomSize, int numRows, int numCols, int maxSteps, int agentViewSize)
    : RoomGridEnv(defaultId, roomSize, numRows, numCols, maxSteps, agentViewSize)
{
    /// <summary>The object to pick up.</summary>
    public WorldObject? Target { get; protected set; }

    protected override StepResult StepCore(MiniGridAction action)
    {
        StepResult result = base.StepCore(action);
        if (action == MiniGridAction.Pickup && Carrying is not null && ReferenceEquals(Carrying, Target))
            return new StepResult(SuccessReward(), true, result.Truncated);
        return result;
    }

    protected override void SaveExtraState(BinaryWriter writer) => WriteReference(writer, Target);
    protected override void LoadExtraState(BinaryReader reader) => Target = ReadReference(reader);

    protected void SetPickupMission(WorldObject target)
    {
        Target = target;
        Mission = $"pick up the {target.Color.Name()} {target.Type.Name()}";
    }
}
