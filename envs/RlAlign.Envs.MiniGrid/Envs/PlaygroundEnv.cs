using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary><c>PlaygroundEnv</c>: nine rooms joined by closed doors and twelve random objects; no task, empty mission.</summary>
public sealed class PlaygroundEnv(int agentViewSize = 7)
    : MiniGridEnv("MiniGrid-Playground-v0", 19, 19, 100, seeThroughWalls: false, agentViewSize)
{
    private static readonly IReadOnlyList<ObjectType> Kinds = [ObjectType.Key, ObjectType.Ball, ObjectType.Box];

    internal static PlaygroundEnv Create(EnvOptions options) => new(MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);
        int roomWidth = width / 3, roomHeight = height / 3;
        for (int j = 0; j < 3; j++)
        {
            for (int i = 0; i < 3; i++)
            {
                int left = i * roomWidth, top = j * roomHeight;
                int right = left + roomWidth, bottom = top + roomHeight;
                if (i + 1 < 3)
                {
                    Grid.VerticalWall(right, top, roomHeight);
                    int y = RandomInt(top + 1, bottom - 1);
                    Grid.Set(right, y, new Door(RandomElement(ObjectColors.Names)));
                }
                if (j + 1 < 3)
                {
                    Grid.HorizontalWall(left, bottom, roomWidth);
                    int x = RandomInt(left + 1, right - 1);
                    Grid.Set(x, bottom, new Door(RandomElement(ObjectColors.Names)));
                }
            }
        }
        PlaceAgent();
        for (int k = 0; k < 12; k++)
        {
            ObjectType kind = RandomElement(Kinds);
            ObjectColor color = RandomElement(ObjectColors.Names);
            PlaceObject(kind switch
            {
                ObjectType.Key => new Key(color),
                ObjectType.Ball => new Ball(color),
                _ => new Box(color),
            });
        }
        // No task: Python's mission is the empty string.
        Mission = "";
    }
}
