using System.Text.Json;
using NUnit.Framework;
using RlAlign.Core.Tests.Rendering;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.Wfc;

namespace RlAlign.Core.Tests.MiniGrid;

/// <summary>
/// Minigrid's WFC family: hashes and adjacencies against the values asserted by Minigrid's own tests, whole
/// levels against <c>Data/wfc_reference.json</c> (made by <c>Data/wfc_reference.py</c> on NumPy 1.24 and
/// networkx), and the layout invariants WFCEnv guarantees on the registered presets.
/// </summary>
[TestFixture]
public sealed class WfcEnvTests
{
    private static readonly string[] PresetIds = [.. WfcPresets.All.Select(p => $"MiniGrid-WFC-{p.Name}-v0")];

    /// <summary>Minigrid's <c>tests/test_wfc/conftest.py</c> image: white top row and left column, black square, red centre.</summary>
    private static WfcPatternImage RedMaze()
    {
        byte[] w = [255, 255, 255], b = [0, 0, 0], r = [255, 0, 0];
        byte[][] pixels = [w, w, w, w, w, b, b, b, w, b, r, b, w, b, b, b];
        return new WfcPatternImage(4, 4, [.. pixels.SelectMany(p => p)]);
    }

    private static JsonElement Reference { get; } = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "MiniGrid", "Data", "wfc_reference.json"))).RootElement;

    [Test]
    public void TileAndPatternHashesMatchMinigridTests()
    {
        long[,] tiles = WfcPatternModel.TileCodes(RedMaze(), out _);
        (long[] codes, long[][,] patterns, long[,] patchCodes) = WfcPatternModel.UniquePatterns(tiles, 2);

        // test_wfc_patterns.py
        Assert.That(patchCodes[1, 2], Is.EqualTo(4867810695119132864));
        Assert.That(patterns[7][1, 1], Is.EqualTo(8253868773529191888));
        Assert.That(codes[3], Is.EqualTo(2800765426490226432));
        Assert.That(codes, Does.Contain(-6150964001204120324));
        Assert.That(patterns[Array.IndexOf(codes, 5177878755649963747)][0, 1], Is.EqualTo(-8754995591521426669));

        // test_wfc_adjacency.py, directions as (column offset, row offset)
        long[,] Pattern(long code) => patterns[Array.IndexOf(codes, code)];
        bool Legal((int Dx, int Dy) d, long a, long b) => WfcPatternModel.Overlaps(Pattern(a), Pattern(b), d.Dx, d.Dy);
        Assert.That(Legal((0, -1), -6150964001204120324, -4042134092912931260), Is.True);
        Assert.That(Legal((-1, 0), -4042134092912931260, 3069048847358774683), Is.True);
        Assert.That(Legal((1, 0), -3950451988873469076, -3950451988873469076), Is.True);
        Assert.That(Legal((-1, 0), -3950451988873469076, -3950451988873469076), Is.True);
        Assert.That(Legal((0, 1), -3950451988873469076, 3336256675067683735), Is.True);
        Assert.That(Legal((0, -1), -3950451988873469076, -3950451988873469076), Is.False);
        Assert.That(Legal((0, 1), -3950451988873469076, -3950451988873469076), Is.False);
    }

    [TestCase("red_maze_k2")]
    [TestCase("maze")]
    [TestCase("dots")]
    [TestCase("rooms")]
    public void PatternCatalogOverEightOrientationsMatchesPython(string name)
    {
        WfcPatternModel model = name == "red_maze_k2" ? WfcPatternModel.Build(RedMaze(), 2) : ModelOf(name);
        JsonElement expected = Reference.GetProperty("models").GetProperty(name);
        Assert.That(model.Codes, Is.EqualTo(expected.GetProperty("codes").EnumerateArray().Select(e => e.GetInt64())));
        Assert.That(model.Weights, Is.EqualTo(expected.GetProperty("weights").EnumerateArray().Select(e => e.GetDouble())));
    }

    [Test]
    public void TupleHashAndSetOrderMatchCPython()
    {
        // hash((3, 4)) and hash((0, 0)) on CPython 3.11
        Assert.That(unchecked((long)CPythonSetOrder.TupleHash(3, 4)), Is.EqualTo(1079245023883434373));
        Assert.That(unchecked((long)CPythonSetOrder.TupleHash(0, 0)), Is.EqualTo(-8458139203682520985));
        foreach (JsonElement vector in Reference.GetProperty("python_set_order").EnumerateArray())
        {
            List<(int, int)> Read(string key) => [.. vector.GetProperty(key).EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32()))];
            Assert.That(CPythonSetOrder.Iterate(Read("insert")), Is.EqualTo(Read("iterate")));
        }
    }

    [Test]
    public void NumpyPairwiseSumMatchesNumpy()
    {
        // np.array([0.1] * 7 + [0.3] * 30).sum() is 9.700000000000003; a plain loop gives ...001.
        double[] values = [.. Enumerable.Repeat(0.1, 7), .. Enumerable.Repeat(0.3, 30)];
        Assert.That(NumpySum.Pairwise(values), Is.EqualTo(9.700000000000003));
    }

    private static IEnumerable<TestCaseData> ReferenceLevels() => Reference.GetProperty("levels").EnumerateArray()
        .Select(level => new TestCaseData(level.GetProperty("case").GetString(), level.GetProperty("periodic").GetBoolean(),
            level.GetProperty("size").GetInt32(), level.GetProperty("seed").GetUInt64()));

    [TestCaseSource(nameof(ReferenceLevels))]
    public void LevelMatchesPythonForTheSameImageAndSeed(string name, bool periodic, int size, ulong seed)
    {
        JsonElement expected = Reference.GetProperty("levels").EnumerateArray().Single(l =>
            l.GetProperty("case").GetString() == name && l.GetProperty("periodic").GetBoolean() == periodic
            && l.GetProperty("size").GetInt32() == size && l.GetProperty("seed").GetUInt64() == seed);
        WfcConfig config = name == "red_maze"
            ? new WfcConfig(name, RedMaze(), 2, periodic)
            : new WfcConfig(name, ImageOf(name), ModelWidth(name), periodic, periodic);
        using var env = new WfcEnv(config, size);
        env.Reset(new float[env.ObservationSpace.FlatSize], seed);

        Assert.That(env.LastAttempts, Is.EqualTo(expected.GetProperty("attempts").GetInt32()), "attempts");
        Assert.That(Render(env), Is.EqualTo(expected.GetProperty("grid_by_x").EnumerateArray().Select(e => e.GetString())));
        Assert.That(env.AgentDirection, Is.EqualTo(expected.GetProperty("direction").GetInt32()), "direction");
    }

    [TestCaseSource(nameof(PresetIds))]
    public void PresetLevelsKeepMinigridInvariants(string id)
    {
        using var env = (WfcEnv)Core.Envs.Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var layouts = new HashSet<string>();
        var attempts = new List<int>();
        for (ulong seed = 0; seed < 4; seed++)
        {
            env.Reset(observation, seed);
            attempts.Add(env.LastAttempts);
            string[] grid = Render(env);
            Assert.That(env.Width, Is.EqualTo(25));
            Assert.That(env.MaxSteps, Is.EqualTo(500));
            Assert.That(env.Mission, Is.EqualTo("traverse the maze to get to the goal"));
            Assert.That(env.LastAttempts, Is.InRange(1, WfcEnv.MaxAttempts));
            for (int i = 0; i < 25; i++)
                Assert.That(grid[0][i] == '#' && grid[24][i] == '#' && grid[i][0] == '#' && grid[i][24] == '#', $"{id} seed {seed}: border at {i}");
            Assert.That(string.Concat(grid).Count(c => c == 'G'), Is.EqualTo(1));
            Assert.That(string.Concat(grid).Count(c => c == 'A'), Is.EqualTo(1));
            Assert.That(ReachableFloor(grid, env.AgentPosition), Is.EqualTo(string.Concat(grid).Count(c => c != '#')),
                $"{id} seed {seed}: every floor cell, the goal included, is reachable from the agent");
            layouts.Add(string.Join("\n", grid) + env.AgentDirection);

            env.Reset(observation, seed);
            Assert.That(Render(env), Is.EqualTo(grid), $"{id} seed {seed}: same seed, same level");
        }
        Assert.That(layouts, Has.Count.EqualTo(4), $"{id}: different seeds give different levels");
        TestContext.Out.WriteLine($"{id}: solver attempts per seed {string.Join(", ", attempts)}");
    }

    [Test]
    public void WithoutEnsureConnectedEveryFloorCellIsKept()
    {
        var config = WfcPresets.ObstaclesBlackdots;
        using var connected = new WfcEnv(config, 15);
        using var loose = new WfcEnv(config, 15, ensureConnected: false);
        connected.Reset(new float[connected.ObservationSpace.FlatSize], 2);
        loose.Reset(new float[loose.ObservationSpace.FlatSize], 2);
        int Floor(WfcEnv env) => string.Concat(Render(env)).Count(c => c != '#');
        Assert.That(Floor(loose), Is.GreaterThanOrEqualTo(Floor(connected)));
    }

    [Test]
    public void PatternPathGivesTheSameLevelsAsTheSameImageInMemory()
    {
        // RedMaze as a 2-bit palette PNG (white, black, red), the kind of file Minigrid's patterns may be.
        byte[] png = PngBuilder.Png(
            PngBuilder.Header(4, 4, bitDepth: 2, colourType: 3),
            PngBuilder.Palette((255, 255, 255), (0, 0, 0), (255, 0, 0)),
            PngBuilder.ImageData([0, 0b00_00_00_00, 0, 0b00_01_01_01, 0, 0b00_01_10_01, 0, 0b00_01_01_01]),
            PngBuilder.End());
        string path = Path.Combine(Path.GetTempPath(), $"rlalign-wfc-{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(path, png);
            using var fromFile = (WfcEnv)Core.Envs.Make("MiniGrid-WFC-MazeSimple-v0", new EnvOptions { ["pattern_path"] = path, ["size"] = 10 });
            using var inMemory = new WfcEnv(WfcPresets.MazeSimple.WithPattern(RedMaze()), size: 10);

            WfcConfig config = fromFile.Config;
            Assert.That((config.Name, config.PatternWidth, config.OutputPeriodic, config.InputPeriodic), Is.EqualTo(("MazeSimple", 2, false, false)),
                "the preset keeps its settings; only the image changes");
            var observation = new float[fromFile.ObservationSpace.FlatSize];
            foreach (ulong seed in new ulong[] { 5, 6, 7 })
            {
                fromFile.Reset(observation, seed);
                inMemory.Reset(observation, seed);
                Assert.That(Render(fromFile), Is.EqualTo(Render(inMemory)), $"seed {seed}");
                Assert.That((fromFile.AgentDirection, fromFile.LastAttempts), Is.EqualTo((inMemory.AgentDirection, inMemory.LastAttempts)), $"seed {seed}");
            }

            // MazeSimple's settings are those of the red_maze reference levels, recorded in Python.
            fromFile.Reset(observation, 5);
            JsonElement expected = Reference.GetProperty("levels").EnumerateArray().Single(l =>
                l.GetProperty("case").GetString() == "red_maze" && l.GetProperty("size").GetInt32() == 10);
            Assert.That(Render(fromFile), Is.EqualTo(expected.GetProperty("grid_by_x").EnumerateArray().Select(e => e.GetString())));
        }
        finally
        {
            File.Delete(path);
        }
        Assert.That(() => Core.Envs.Make("MiniGrid-WFC-MazeSimple-v0", new EnvOptions { ["pattern_path"] = path }),
            Throws.InstanceOf<FileNotFoundException>().With.Message.Contains(path));
    }

    [Test]
    public void UnsolvablePatternFailsAfterTheAttemptLimit()
    {
        // A checkerboard cannot wrap around an odd-sized periodic output: every attempt contradicts.
        var checkerboard = new WfcConfig("Checkerboard", WfcPatternImage.FromRows("#.", ".#"), 2, outputPeriodic: true);
        using var env = new WfcEnv(checkerboard, size: 9);
        var error = Assert.Throws<PlacementFailedException>(() => env.Reset(new float[env.ObservationSpace.FlatSize], 0))!;
        Assert.That(error.Message, Does.Contain("100 attempts"));
    }

    [Test]
    public void RejectsBadSettingsWithClearErrors()
    {
        Assert.That(() => new WfcEnv(WfcPresets.MazeSimple, size: 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at least 3"));
        Assert.That(() => WfcPresets.Get("Maze"), Throws.ArgumentException.With.Message.Contains("MazeSimple"));
        Assert.That(() => WfcPatternImage.FromRows("#.", "x."), Throws.ArgumentException.With.Message.Contains("row 1, column 0"));
        Assert.That(() => new WfcPatternImage(2, 2, new byte[5]), Throws.ArgumentException.With.Message.Contains("12 bytes"));
    }

    [Test]
    public void RegistersEveryMinigridId()
    {
        Assert.That(Core.Envs.Ids.Count(id => id.StartsWith("MiniGrid-", StringComparison.Ordinal)), Is.EqualTo(82));
        Assert.That(Core.Envs.Ids, Is.SupersetOf(PresetIds));
    }

    /// <summary>The images and pattern widths of <c>CASES</c> in wfc_reference.py.</summary>
    private static readonly Dictionary<string, (string[] Rows, int Width)> Cases = new()
    {
        ["maze"] = (["#.######", "#.#....#", "#.#.##.#", "#...#..#", "###.#.##", "#...#...", "#.###.#.", "#.....#."], 2),
        ["dots"] = (["........", ".#......", "....#...", "........", "......#.", "..#.....", "........", "....#..."], 2),
        ["rooms"] = (["##########", "#....#...#", "#....#...#", "#........#", "#....#...#", "###.####.#",
            "#....#...#", "#........#", "#....#...#", "##########"], 3),
    };

    private static WfcPatternImage ImageOf(string name) => WfcPatternImage.FromRows(Cases[name].Rows);
    private static int ModelWidth(string name) => Cases[name].Width;
    private static WfcPatternModel ModelOf(string name) => WfcPatternModel.Build(ImageOf(name), ModelWidth(name));

    /// <summary>The level as rows indexed by x (Python's array axis 0): '#' wall, '.' floor, 'G' goal, 'A' agent.</summary>
    private static string[] Render(MiniGridEnv env)
    {
        var rows = new string[env.Width];
        for (int x = 0; x < env.Width; x++)
        {
            var row = new char[env.Height];
            for (int y = 0; y < env.Height; y++)
            {
                row[y] = env.Grid.Get(x, y) switch
                {
                    Wall => '#',
                    Goal => 'G',
                    null => (x, y) == env.AgentPosition ? 'A' : '.',
                    WorldObject other => throw new AssertionException($"unexpected {other} at ({x}, {y})"),
                };
            }
            rows[x] = new string(row);
        }
        return rows;
    }

    private static int ReachableFloor(string[] grid, (int X, int Y) start)
    {
        var seen = new HashSet<(int, int)> { start };
        var queue = new Queue<(int X, int Y)>([start]);
        while (queue.Count > 0)
        {
            (int x, int y) = queue.Dequeue();
            foreach ((int dx, int dy) in new[] { (1, 0), (-1, 0), (0, 1), (0, -1) })
            {
                (int nx, int ny) = (x + dx, y + dy);
                if (grid[nx][ny] != '#' && seen.Add((nx, ny))) queue.Enqueue((nx, ny));
            }
        }
        return seen.Count;
    }
}
