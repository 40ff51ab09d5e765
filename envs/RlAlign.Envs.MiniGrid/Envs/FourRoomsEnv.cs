using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>FourRoomsEnv</c>: a 19×19 grid cut into four rooms joined by one random gap in each inner wall;
/// agent and goal start at random (unless fixed by <c>agent_pos</c>/<c>goal_pos</c>).
/// </summary>
public sealed class FourRoomsEnv((int X, int Y)? agentPosition = null, (int X, int Y)? goalPosition = null, int agentViewSize = 7)
    : MiniGridEnv("MiniGrid-FourRooms-v0", 19, 19, 100, seeThroughWalls: false, agentViewSize)
{
    internal static FourRoomsEnv Create(EnvOptions options) => new(agentViewSize: MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);

        int roomWidth = width / 2, roomHeight = height / 2;
        for (int j = 0; j < 2; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                int left = i * roomWidth, top = j * roomHeight;
                int right = left + roomWidth, bottom = top + roomHeight;
                if (i + 1 < 2)
                {
                    Grid.VerticalWall(right, top, roomHeight);
                    Grid.Set(right, RandomInt(top + 1, bottom), null);
                }
                if (j + 1 < 2)
                {
                    Grid.HorizontalWall(left, bottom, roomWidth);
                    Grid.Set(RandomInt(left + 1, right), bottom, null);
                }
            }
        }

        if (agentPosition is { } agent)
        {
            AgentPosition = agent;
            Grid.Set(agent.X, agent.Y, null);
            AgentDirection = RandomInt(0, 4);
        }
        else
        {
            PlaceAgent();
        }

        if (goalPosition is { } goal) PutObject(new Goal(), goal.X, goal.Y);
        else PlaceObject(new Goal());
        Mission = "reach the goal";
    }
}
