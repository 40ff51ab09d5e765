using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// <c>CrossingEnv</c>: rivers of lava (LavaCrossing) or walls (SimpleCrossing) cross the room; one
/// opening per river lets the agent reach the goal in the opposite corner.
/// </summary>
public sealed class CrossingEnv : MiniGridEnv
{
    private readonly int _crossings;
    private readonly bool _lava;

    public CrossingEnv(int size = 9, int numCrossings = 1, bool lava = true, int agentViewSize = 7)
        : base(lava ? $"MiniGrid-LavaCrossingS{size}N{numCrossings}-v0" : $"MiniGrid-SimpleCrossingS{size}N{numCrossings}-v0",
            size, size, 4 * size * size, seeThroughWalls: false, agentViewSize)
    {
        if (size % 2 == 0) throw new ArgumentException($"Crossing needs an odd size, got {size}.", nameof(size));
        _crossings = numCrossings;
        _lava = lava;
    }

    internal static CrossingEnv Create(EnvOptions options) => new(
        options.Get("size", 9), options.Get("num_crossings", 1), options.Get("obstacle_type", "lava") switch
        {
            "lava" => true,
            "wall" => false,
            string other => throw new ArgumentException($"Crossing obstacle_type must be 'lava' or 'wall', got '{other}'."),
        }, MiniGridOptions.AgentViewSize(options));

    protected override void GenerateGrid(int width, int height)
    {
        Grid = EmptyGrid(width, height);
        Grid.WallRectangle(0, 0, width, height);
        AgentPosition = (1, 1);
        AgentDirection = 0;
        PutObject(new Goal(), width - 2, height - 2);

        // Rivers: vertical ones at even x, then horizontal ones at even y; shuffled, the first N kept.
        var rivers = new List<(bool Vertical, int Position)>();
        for (int i = 2; i < height - 2; i += 2) rivers.Add((true, i));
        for (int j = 2; j < width - 2; j += 2) rivers.Add((false, j));
        Random.Shuffle(rivers);
        List<(bool Vertical, int Position)> chosen = rivers.Take(_crossings).ToList();
        int[] verticals = chosen.Where(r => r.Vertical).Select(r => r.Position).Order().ToArray();
        int[] horizontals = chosen.Where(r => !r.Vertical).Select(r => r.Position).Order().ToArray();
        foreach (int y in horizontals)
            for (int x = 1; x < width - 1; x++) PutObject(NewObstacle(), x, y);
        foreach (int x in verticals)
            for (int y = 1; y < height - 1; y++) PutObject(NewObstacle(), x, y);

        // The path crosses each vertical river moving horizontally and each horizontal one moving vertically.
        var path = new List<bool>();
        for (int k = 0; k < verticals.Length; k++) path.Add(true);    // true: a horizontal move
        for (int k = 0; k < horizontals.Length; k++) path.Add(false);
        Random.Shuffle(path);

        int[] limitsV = [0, .. verticals, height - 1];
        int[] limitsH = [0, .. horizontals, width - 1];
        int roomI = 0, roomJ = 0;
        foreach (bool horizontalMove in path)
        {
            int i, j;
            if (horizontalMove)
            {
                i = limitsV[roomI + 1];
                j = (int)Random.Choice(limitsH[roomJ] + 1, limitsH[roomJ + 1]);
                roomI++;
            }
            else
            {
                i = (int)Random.Choice(limitsV[roomI] + 1, limitsV[roomI + 1]);
                j = limitsH[roomJ + 1];
                roomJ++;
            }
            Grid.Set(i, j, null);
        }
        Mission = _lava ? "avoid the lava and get to the green goal square" : "find the opening and get to the green goal square";
    }

    private WorldObject NewObstacle() => _lava ? new Lava() : Wall.Grey;
}
