using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>FetchEnv</c>: keys and balls of random colours; pick up the one the mission names. Picking up any
/// other object ends the episode with reward 0.
/// </summary>
public sealed class FetchEnv : MiniGridEnv
{
    private static readonly IReadOnlyList<ObjectType> Kinds = [ObjectType.Key, ObjectType.Ball];
    private static readonly string[] Syntaxes = ["get a", "go get a", "fetch a", "go fetch a", "you must fetch a"];
    private readonly int _objectCount;

    public FetchEnv(int size = 8, int numObjs = 3, int agentViewSize = 7)
        : base("MiniGrid-Fetch-8x8-N3-v0", size, size, 5 * size * size, seeThroughWalls: true, agentViewSize)
    {
        if (numObjs < 1) throw new ArgumentException($"Fetch needs at least one object, got {numObjs}.", nameof(numObjs));
        _objectCount = numObjs;
    }

    internal static FetchEnv Create(EnvOptions options) => new(options.Get("size", 8), options.Get("numObjs", 3), MiniGridOptions.AgentViewSize(options));

    public ObjectType TargetType { get; private set; }
    public ObjectColor TargetColor { get; private set; }

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);

        var objects = new List<WorldObject>();
        while (objects.Count < _objectCount)
        {
            ObjectType kind = RandomElement(Kinds);
            ObjectColor color = RandomElement(ObjectColors.Names);
            WorldObject value = kind == ObjectType.Key ? new Key(color) : new Ball(color);
            PlaceObject(value);
            objects.Add(value);
        }
        PlaceAgent();

        WorldObject target = objects[RandomInt(0, objects.Count)];
        TargetType = target.Type;
        TargetColor = target.Color;
        Mission = $"{Syntaxes[RandomInt(0, 5)]} {TargetColor.Name()} {TargetType.Name()}";
    }

    protected override StepResult StepCore(MiniGridAction action)
    {
        StepResult result = base.StepCore(action);
        if (Carrying is null) return result;
        bool correct = Carrying.Color == TargetColor && Carrying.Type == TargetType;
        return new StepResult(correct ? SuccessReward() : 0, true, result.Truncated);
    }

    protected override void SaveExtraState(BinaryWriter writer)
    {
        writer.Write((byte)TargetType);
        writer.Write((byte)TargetColor);
    }

    protected override void LoadExtraState(BinaryReader reader)
    {
        TargetType = (ObjectType)reader.ReadByte();
        TargetColor = (ObjectColor)reader.ReadByte();
    }
}
