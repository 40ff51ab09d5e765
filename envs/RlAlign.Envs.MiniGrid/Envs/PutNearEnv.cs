using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>PutNearEnv</c>: pick up the named object and drop it next to (8-neighbourhood) the other named one.
/// Picking up a wrong object, or dropping anywhere, ends the episode.
/// </summary>
public sealed class PutNearEnv : MiniGridEnv
{
    private static readonly IReadOnlyList<ObjectType> Kinds = [ObjectType.Key, ObjectType.Ball, ObjectType.Box];
    private readonly int _objectCount;

    public PutNearEnv(int size = 6, int numObjs = 2, int agentViewSize = 7)
        : base("MiniGrid-PutNear-6x6-N2-v0", size, size, 5 * size, seeThroughWalls: true, agentViewSize)
    {
        // Objects are distinct (kind, colour) pairs, and the target differs from the object to move:
        // Python would loop forever outside 2..18.
        if (numObjs < 2 || numObjs > 3 * ObjectColors.Names.Count)
            throw new ArgumentException($"PutNear needs 2 to {3 * ObjectColors.Names.Count} objects, got {numObjs}.", nameof(numObjs));
        _objectCount = numObjs;
    }

    internal static PutNearEnv Create(EnvOptions options) => new(options.Get("size", 6), options.Get("numObjs", 2), MiniGridOptions.AgentViewSize(options));

    public ObjectType MoveType { get; private set; }
    public ObjectColor MoveColor { get; private set; }
    public ObjectType TargetType { get; private set; }
    public ObjectColor TargetColor { get; private set; }
    public (int X, int Y) TargetPosition { get; private set; }

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);

        var objects = new List<(ObjectType Type, ObjectColor Color)>();
        var positions = new List<(int X, int Y)>();
        // No object in the 8-neighbourhood of another.
        bool NearObject(MiniGridEnv env, (int X, int Y) p)
        {
            foreach ((int x, int y) in positions)
                if (Math.Abs(p.X - x) <= 1 && Math.Abs(p.Y - y) <= 1) return true;
            return false;
        }

        while (objects.Count < _objectCount)
        {
            ObjectType kind = RandomElement(Kinds);
            ObjectColor color = RandomElement(ObjectColors.Names);
            if (objects.Contains((kind, color))) continue;
            WorldObject value = kind switch
            {
                ObjectType.Key => new Key(color),
                ObjectType.Ball => new Ball(color),
                _ => new Box(color),
            };
            positions.Add(PlaceObject(value, reject: NearObject));
            objects.Add((kind, color));
        }
        PlaceAgent();

        int moveIndex = RandomInt(0, objects.Count);
        (MoveType, MoveColor) = objects[moveIndex];
        int targetIndex;
        do targetIndex = RandomInt(0, objects.Count);
        while (targetIndex == moveIndex);
        (TargetType, TargetColor) = objects[targetIndex];
        TargetPosition = positions[targetIndex];
        Mission = $"put the {MoveColor.Name()} {MoveType.Name()} near the {TargetColor.Name()} {TargetType.Name()}";
    }

    protected override StepResult StepCore(MiniGridAction action)
    {
        WorldObject? carriedBefore = Carrying;
        StepResult result = base.StepCore(action);
        (int ox, int oy) = FrontPosition;
        if (action == MiniGridAction.Pickup && Carrying is not null && (Carrying.Type != MoveType || Carrying.Color != MoveColor))
            result = result with { Terminated = true };
        if (action == MiniGridAction.Drop && carriedBefore is not null)
        {
            // Any drop ends the episode; it pays only when it landed next to the target.
            bool near = ReferenceEquals(Grid.Get(ox, oy), carriedBefore)
                && Math.Abs(ox - TargetPosition.X) <= 1 && Math.Abs(oy - TargetPosition.Y) <= 1;
            result = new StepResult(near ? SuccessReward() : result.Reward, true, result.Truncated);
        }
        return result;
    }

    protected override void SaveExtraState(BinaryWriter writer)
    {
        writer.Write((byte)MoveType);
        writer.Write((byte)MoveColor);
        writer.Write((byte)TargetType);
        writer.Write((byte)TargetColor);
        writer.Write(TargetPosition.X);
        writer.Write(TargetPosition.Y);
    }

    protected override void LoadExtraState(BinaryReader reader)
    {
        MoveType = (ObjectType)reader.ReadByte();
        MoveColor = (ObjectColor)reader.ReadByte();
        TargetType = (ObjectType)reader.ReadByte();
        TargetColor = (ObjectColor)reader.ReadByte();
        TargetPosition = (reader.ReadInt32(), reader.ReadInt32());
    }
}
