using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>RedBlueDoorsEnv</c>: a room with a red door on the left and a blue one on the right; open the red one
/// first. Opening the blue door first ends the episode with 0.
/// </summary>
public sealed class RedBlueDoorsEnv : MiniGridEnv
{
    private readonly int _size;
    private Door? _redDoor, _blueDoor;

    public RedBlueDoorsEnv(int size = 8, int? maxSteps = null, int agentViewSize = 7)
        : base("MiniGrid-RedBlueDoors-8x8-v0", 2 * size, size, maxSteps ?? 20 * size * size, seeThroughWalls: false, agentViewSize)
        => _size = size;

    internal static RedBlueDoorsEnv Create(EnvOptions options) => new(options.Get("size", 8), options.Get<int?>("max_steps", null), MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, 2 * _size, _size);
        Grid.WallRectangle(_size / 2, 0, _size, _size);
        PlaceAgent(top: (_size / 2, 0), size: (_size, _size));

        _redDoor = new Door(ObjectColor.Red);
        Grid.Set(_size / 2, RandomInt(1, _size - 1), _redDoor);
        _blueDoor = new Door(ObjectColor.Blue);
        Grid.Set(_size / 2 + _size - 1, RandomInt(1, _size - 1), _blueDoor);
        Mission = "open the red door then the blue door";
    }

    protected override StepResult StepCore(MiniGridAction action)
    {
        bool redBefore = _redDoor!.IsOpen, blueBefore = _blueDoor!.IsOpen;
        StepResult result = base.StepCore(action);
        if (_blueDoor.IsOpen) return new StepResult(redBefore ? SuccessReward() : 0, true, result.Truncated);
        if (_redDoor.IsOpen && blueBefore) return new StepResult(0, true, result.Truncated);
        return result;
    }

    protected override void SaveExtraState(BinaryWriter writer)
    {
        WriteReference(writer, _redDoor);
        WriteReference(writer, _blueDoor);
    }

    protected override void LoadExtraState(BinaryReader reader)
    {
        _redDoor = ReadReference(reader) as Door;
        _blueDoor = ReadReference(reader) as Door;
    }
}
