using RlAlign.Core;
using RlAlign.Envs.MiniGrid.Wfc;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// Minigrid's <c>WFCConfig</c>: the source image and the wave-function-collapse settings of one preset.
/// Tile size 1, eight orientations, the "entropy" location and "weighted" pattern heuristics and no
/// backtracking are what every registered preset uses, and all this port implements.
/// </summary>
public sealed class WfcConfig
{
    private readonly Lazy<WfcPatternModel> _model;

    public WfcConfig(string name, WfcPatternImage pattern, int patternWidth = 2, bool outputPeriodic = false, bool inputPeriodic = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (patternWidth is < 1 or > 3)
            throw new ArgumentOutOfRangeException(nameof(patternWidth), patternWidth, $"WFC preset {name}: pattern_width must be 1, 2 or 3.");
        Name = name;
        Pattern = pattern;
        PatternWidth = patternWidth;
        OutputPeriodic = outputPeriodic;
        InputPeriodic = inputPeriodic;
        _model = new Lazy<WfcPatternModel>(() => WfcPatternModel.Build(pattern, patternWidth));
    }

    public string Name { get; }
    public WfcPatternImage Pattern { get; }
    public int PatternWidth { get; }

    /// <summary>Whether the generated pattern wraps around its edges.</summary>
    public bool OutputPeriodic { get; }

    /// <summary>Kept for fidelity: Minigrid reads patterns from the image with wrap-around either way.</summary>
    public bool InputPeriodic { get; }

    /// <summary>This preset's settings (name, pattern width, periodicity) with another source image.</summary>
    public WfcConfig WithPattern(WfcPatternImage pattern) => new(Name, pattern, PatternWidth, OutputPeriodic, InputPeriodic);

    /// <summary>The patterns and adjacencies, built once per config and shared by every env using it.</summary>
    internal WfcPatternModel Model => _model.Value;
}

/// <summary>
/// <c>WFCEnv</c> (Minigrid's <c>MiniGrid-WFC-*</c> family): a level drawn by wave function collapse from a
/// small source image, trimmed to its largest connected floor region, with the agent and a goal on two
/// random floor cells. Reach the goal.
/// </summary>
/// <remarks>
/// <para>The solver, the graph processing and every random draw follow Minigrid in order and kind, so the
/// same seed and the same source image give the same level as Python. The bundled preset images are not
/// Minigrid's (see <see cref="WfcPresets"/>); for Python's levels give the original image with the
/// <c>pattern_path</c> option, e.g. <c>Envs.Make("MiniGrid-WFC-MazeSimple-v0", new EnvOptions { ["pattern_path"] =
/// ".../site-packages/minigrid/envs/wfc/patterns/SimpleMaze.png" })</c>: the PNG replaces the preset's image and
/// the preset keeps its pattern width and periodicity. A <see cref="WfcConfig"/> built from
/// <see cref="WfcPatternImage.Load"/> does the same in code.</para>
/// <para>A contradiction restarts the solve (up to <see cref="MaxAttempts"/> times, continuing the random
/// stream); when all attempts fail, reset throws <see cref="PlacementFailedException"/>.</para>
/// </remarks>
public sealed class WfcEnv : MiniGridEnv
{
    /// <summary>WFCEnv's <c>max_attempts</c>.</summary>
    public const int MaxAttempts = 100;

    private const int Padding = 1;

    private readonly WfcSolver _solver;
    private readonly bool[] _floor;

    public WfcEnv(WfcConfig config, int size = 25, bool ensureConnected = true, int agentViewSize = 7)
        : base($"MiniGrid-WFC-{config?.Name}-v0", CheckSize(size), size, 20 * size, seeThroughWalls: false, agentViewSize)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        EnsureConnected = ensureConnected;
        int inner = size - 2 * Padding;
        _solver = new WfcSolver(config.Model, inner, inner, config.OutputPeriodic);
        _floor = new bool[inner * inner];
    }

    public WfcConfig Config { get; }

    /// <summary>Whether only the largest connected floor region is kept (the rest becomes wall).</summary>
    public bool EnsureConnected { get; }

    /// <summary>How many solves the last reset needed.</summary>
    public int LastAttempts { get; private set; }

    /// <summary>
    /// Options: <c>wfc_config</c> (preset name or <see cref="WfcConfig"/>), <c>pattern_path</c> (a PNG file
    /// that replaces the config's source image, keeping its other settings), <c>size</c>,
    /// <c>ensure_connected</c>, <c>agent_view_size</c>.
    /// </summary>
    internal static WfcEnv Create(EnvOptions options)
    {
        WfcConfig config = options.Get<object>("wfc_config", "MazeSimple") switch
        {
            WfcConfig given => given,
            string name => WfcPresets.Get(name),
            object other => throw new ArgumentException($"wfc_config must be a preset name or a WfcConfig, got {other.GetType().Name}."),
        };
        string? patternPath = options.Get<string?>("pattern_path", null);
        if (!string.IsNullOrEmpty(patternPath)) config = config.WithPattern(WfcPatternImage.Load(patternPath));
        return new WfcEnv(config, options.Get("size", 25), options.Get("ensure_connected", true), MiniGridOptions.AgentViewSize(options));
    }

    private static int CheckSize(int size) => size >= 3
        ? size
        : throw new ArgumentOutOfRangeException(nameof(size), size, $"Grid size must be at least 3 (currently {size}).");

    protected override void GenerateGrid(int width, int height)
    {
        int inner = width - 2 * Padding;
        int[] solution = _solver.Solve(Random, MaxAttempts, out int attempts)
            ?? throw new PlacementFailedException($"{DisplayName}: could not generate a valid pattern within {MaxAttempts} attempts.");
        LastAttempts = attempts;

        bool[] isWall = Config.Model.TopLeftIsWall;
        for (int cell = 0; cell < solution.Length; cell++) _floor[cell] = !isWall[solution[cell]];
        List<(int Row, int Column)> candidates = WfcLayout.Candidates(_floor, inner, inner, EnsureConnected);
        if (candidates.Count < 2)
            throw new PlacementFailedException($"{DisplayName}: the level has {candidates.Count} floor cell(s); the start and the goal need two.");

        // np_random.permutation(len(possible_nodes))[:2]
        var order = new int[candidates.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Random.Shuffle(order);
        (int startRow, int startColumn) = candidates[order[0]];
        (int goalRow, int goalColumn) = candidates[order[1]];

        // Grid.decode reads the array's first axis (pattern rows) as x.
        var kept = new bool[_floor.Length];
        foreach ((int row, int column) in candidates) kept[row * inner + column] = true;
        Grid = EmptyGrid(width, height);
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++)
            {
                int row = x - Padding, column = y - Padding;
                bool inside = (uint)row < (uint)inner && (uint)column < (uint)inner;
                if (!inside || !kept[row * inner + column]) Grid.Set(x, y, Wall.Grey);
            }
        }
        PutObject(new Goal(), goalRow + Padding, goalColumn + Padding);
        AgentDirection = RandomInt(0, 4);
        AgentPosition = (startRow + Padding, startColumn + Padding);
        Mission = "traverse the maze to get to the goal";
    }
}
