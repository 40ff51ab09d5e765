using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>GoToObjectEnv</c>: distinct keys, balls and boxes; stand within one cell (8-neighbourhood) of the
/// named object and use <c>done</c>. Toggling, or <c>done</c> elsewhere, ends the episode with 0.
/// </summary>
public sealed class GoToObjectEnv : MiniGridEnv
{
    private static readonly IReadOnlyList<ObjectType> Kinds = [ObjectType.Key, ObjectType.Ball, ObjectType.Box];
    private readonly int _objectCount;

    public GoToObjectEnv(int size = 6, int numObjs = 2, int? maxSteps = null, int agentViewSize = 7)
        : base("MiniGrid-GoToObject-6x6-N2-v0", size, size, maxSteps ?? 5 * size * size, seeThroughWalls: true, agentViewSize)
    {
        // Objects are distinct (kind, colour) pairs: Python would loop forever asking for more than exist.
        if (numObjs < 1 || numObjs > 3 * ObjectColors.Names.Count)
            throw new ArgumentException($"GoToObject needs 1 to {3 * ObjectColors.Names.Count} objects, got {numObjs}.", nameof(numObjs));
        _objectCount = numObjs;
    }

    internal static GoToObjectEnv Create(EnvOptions options) => new(
        options.Get("size", 6), options.Get("numObjs", 2), options.Get<int?>("max_steps", null), MiniGridOptions.AgentViewSize(options));

    public ObjectType TargetType { get; private set; }
    public ObjectColor TargetColor { get; private set; }
    public (int X, int Y) TargetPosition { get; private set; }

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);
        var objects = new List<(ObjectType Type, ObjectColor Color)>();
        var positions = new List<(int X, int Y)>();
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
            positions.Add(PlaceObject(value));
            objects.Add((kind, color));
        }
        PlaceAgent();
        int target = RandomInt(0, objects.Count);
        (TargetType, TargetColor) = objects[target];
        TargetPosition = positions[target];
        Mission = $"go to the {TargetColor.Name()} {TargetType.Name()}";
    }

    protected override StepResult StepCore(MiniGridAction action)
    {
        StepResult result = base.StepCore(action);
        if (action == MiniGridAction.Toggle) result = result with { Terminated = true };
        if (action == MiniGridAction.Done)
        {
            bool near = Math.Abs(AgentPosition.X - TargetPosition.X) <= 1 && Math.Abs(AgentPosition.Y - TargetPosition.Y) <= 1;
            result = new StepResult(near ? SuccessReward() : result.Reward, true, result.Truncated);
        }
        return result;
    }

    protected override void SaveExtraState(BinaryWriter writer)
    {
        writer.Write((byte)TargetType);
        writer.Write((byte)TargetColor);
        writer.Write(TargetPosition.X);
        writer.Write(TargetPosition.Y);
    }

    protected override void LoadExtraState(BinaryReader reader)
    {
        TargetType = (ObjectType)reader.ReadByte();
        TargetColor = (ObjectColor)reader.ReadByte();
        TargetPosition = (reader.ReadInt32(), reader.ReadInt32());
    }
}
