using RlAlign.Core.Tests.TestEnvs;
using System.Text.Json;
using NUnit.Framework;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.Conformance;
using RlAlign.Envs.MiniGrid.Rendering;
using RlAlign.Envs.MiniGrid.Wrappers;

namespace RlAlign.Core.Tests.MiniGrid;

/// <summary>
/// Minigrid 3.1's wrappers (minigrid/wrappers.py). Expected values come from the Python side: the grids,
/// images and poses recorded in shared/conformance/minigrid (Python Minigrid 3.1), put through the formula
/// of each wrapper's <c>observation</c>, and the examples in the wrappers' own docstrings.
/// </summary>
[TestFixture]
public sealed class MiniGridWrapperTests
{
    private static MiniGridTrace LoadTrace(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(ConformanceData.PathOf("minigrid", file)));
        return MiniGridTrace.Parse(document.RootElement, file);
    }

    private static MiniGridEnv Make(string id) => (MiniGridEnv)Core.Envs.Make(id);

    private static float[] Entry(IEnv env, float[] observation, string key)
    {
        var dict = (DictSpace)env.ObservationSpace;
        return observation.AsSpan(dict.OffsetOf(key), dict[key].FlatSize).ToArray();
    }

    /// <summary>Python's <c>grid.encode()</c> as recorded, with FullyObsWrapper's agent cell (10, 0, dir).</summary>
    private static int[] FullyObservedGrid(int[] grid, int height, (int X, int Y) agent, int direction)
    {
        int[] expected = (int[])grid.Clone();
        int at = (agent.X * height + agent.Y) * 3;
        (expected[at], expected[at + 1], expected[at + 2]) = (10, 0, direction);
        return expected;
    }

    private static int[] AsInts(float[] values) => Array.ConvertAll(values, v => (int)v);

    private static readonly string[] GridTraces =
    [
        "MiniGrid-DoorKey-5x5-v0/seed1_random.json",
        "MiniGrid-LavaGapS5-v0/seed0_random.json",
        "MiniGrid-DistShift1-v0/seed0_random.json",
        "MiniGrid-KeyCorridorS3R1-v0/seed2_random.json",
        "MiniGrid-FourRooms-v0/seed2_random.json",
    ];

    [TestCaseSource(nameof(GridTraces))]
    public void FullyObsIsTheRecordedGridWithTheAgentCell(string file)
    {
        MiniGridTrace trace = LoadTrace(file);
        using var env = new FullyObsWrapper(Core.Envs.Make(trace.EnvId));
        var dict = (DictSpace)env.ObservationSpace;
        Assert.That(dict.Spaces.Select(e => e.Key), Is.EqualTo(new[] { "direction", "image", "mission" }));
        Assert.That(dict["image"].Shape, Is.EqualTo(new[] { trace.Width, trace.Height, 3 }));

        float[] observation = env.Reset(trace.Seed);
        Assert.That(AsInts(Entry(env, observation, "image")),
            Is.EqualTo(FullyObservedGrid(trace.ResetGrid, trace.Height, trace.Reset.AgentPosition, trace.Reset.AgentDirection)));
        Assert.That(Entry(env, observation, "direction")[0], Is.EqualTo(trace.Reset.Direction));

        foreach (TraceSnapshot step in trace.Steps) observation = env.Step(step.Action).Observation;
        TraceSnapshot last = trace.Steps[^1];
        Assert.That(AsInts(Entry(env, observation, "image")),
            Is.EqualTo(FullyObservedGrid(trace.FinalGrid, trace.Height, last.AgentPosition, last.AgentDirection)));
        Assert.That(env.ObservationSpace.Contains(observation), Is.True);
    }

    [TestCaseSource(nameof(GridTraces))]
    public void SymbolicObsIsCoordinatesAndTypesOfTheRecordedGrid(string file)
    {
        MiniGridTrace trace = LoadTrace(file);
        using var env = new SymbolicObsWrapper(Core.Envs.Make(trace.EnvId));
        float[] observation = env.Reset(trace.Seed);
        int[] image = AsInts(Entry(env, observation, "image"));
        for (int x = 0; x < trace.Width; x++)
        {
            for (int y = 0; y < trace.Height; y++)
            {
                int at = (x * trace.Height + y) * 3;
                // The recorded grid.encode() writes an empty cell (None) as type 1, which no object has.
                int type = (x, y) == trace.Reset.AgentPosition ? 10 : trace.ResetGrid[at] == 1 ? -1 : trace.ResetGrid[at];
                Assert.That(image.AsSpan(at, 3).ToArray(), Is.EqualTo(new[] { x, y, type }), $"cell ({x}, {y})");
            }
        }
        Assert.That(env.ObservationSpace.Contains(observation), Is.True);
    }

    [Test]
    public void ImgObsIsTheRecordedImageAlone()
    {
        MiniGridTrace trace = LoadTrace("MiniGrid-DoorKey-5x5-v0/seed1_random.json");
        using var env = new ImgObsWrapper(Core.Envs.Make(trace.EnvId));
        Assert.That(env.ObservationSpace, Is.InstanceOf<RlAlign.Core.Spaces.Box>());
        Assert.That(env.ObservationSpace.Shape, Is.EqualTo(new[] { 7, 7, 3 }));
        Assert.That(AsInts(env.Reset(trace.Seed)), Is.EqualTo(trace.Reset.Image));
        for (int t = 0; t < 12; t++)
            Assert.That(AsInts(env.Step(trace.Steps[t].Action).Observation), Is.EqualTo(trace.Steps[t].Image), $"step {t + 1}");
    }

    [Test]
    public void OneHotPartialObsMatchesTheDocstringExample()
    {
        // wrappers.py: on Empty-5x5, obs["image"][0, :, :] is seven walls (2, 5, 0), one-hot bits 2, 11 + 5 and 17 + 0.
        using var env = new OneHotPartialObsWrapper(Core.Envs.Make("MiniGrid-Empty-5x5-v0"));
        Assert.That(((DictSpace)env.ObservationSpace)["image"].Shape, Is.EqualTo(new[] { 7, 7, 20 }));
        float[] image = Entry(env, env.Reset(0), "image");
        float[] wall = new float[20];
        (wall[2], wall[16], wall[17]) = (1, 1, 1);
        for (int j = 0; j < 7; j++) Assert.That(image.AsSpan(j * 20, 20).ToArray(), Is.EqualTo(wall), $"image[0, {j}]");
    }

    [Test]
    public void OneHotPartialObsSetsTypeColourAndStateBitsOfEveryRecordedCell()
    {
        MiniGridTrace trace = LoadTrace("MiniGrid-DoorKey-5x5-v0/seed1_random.json");
        using var env = new OneHotPartialObsWrapper(Core.Envs.Make(trace.EnvId));
        env.Reset(trace.Seed);
        foreach (TraceSnapshot step in trace.Steps.Take(20))
        {
            float[] image = Entry(env, env.Step(step.Action).Observation, "image");
            for (int cell = 0; cell < 49; cell++)
            {
                float[] expected = new float[20];
                expected[step.Image[3 * cell]] = 1;
                expected[11 + step.Image[3 * cell + 1]] = 1;
                expected[17 + step.Image[3 * cell + 2]] = 1;
                Assert.That(image.AsSpan(cell * 20, 20).ToArray(), Is.EqualTo(expected), $"cell {cell}");
            }
        }
    }

    [Test]
    public void OneHotOverAFullyObservedAgentFacingUpIsAClearError()
    {
        // Python raises IndexError: the agent cell's state is its direction, and 3 has no state bit.
        using var env = new OneHotPartialObsWrapper(new FullyObsWrapper(Core.Envs.Make("MiniGrid-Empty-5x5-v0")));
        env.Reset(0);
        var error = Assert.Throws<InvalidOperationException>(() => env.Step((int)MiniGridAction.Left))!;
        Assert.That(error.Message, Does.Contain("state 3").And.Contain("FullyObsWrapper"));
    }

    [Test]
    public void FlatObsIsTheImageThenTheOneHotMission()
    {
        MiniGridTrace trace = LoadTrace("MiniGrid-LavaGapS5-v0/seed0_random.json");
        using var env = new FlatObsWrapper(Core.Envs.Make(trace.EnvId));
        // wrappers.py's docstring: 7·7·3 + 96·28 = 2835.
        Assert.That(env.ObservationSpace.Shape, Is.EqualTo(new[] { 2835 }));

        float[] observation = env.Reset(trace.Seed);
        Assert.That(AsInts(observation[..147]), Is.EqualTo(trace.Reset.Image));
        string mission = trace.Mission;
        Assert.That(mission, Is.EqualTo("avoid the lava and get to the green goal square"));
        float[] codes = observation[147..];
        Assert.That(codes.Sum(), Is.EqualTo(mission.Length), "one bit per character, none after the mission");
        int CodeAt(int row) => Array.IndexOf(codes, 1f, row * 28, 28) - row * 28;
        Assert.That(CodeAt(0), Is.EqualTo(0), "'a'");
        Assert.That(CodeAt(1), Is.EqualTo('v' - 'a'));
        Assert.That(CodeAt(5), Is.EqualTo(26), "' '");
        Assert.That(CodeAt(mission.Length - 1), Is.EqualTo('e' - 'a'));

        // The mission part stays while the image follows the steps.
        for (int t = 0; t < 10; t++)
        {
            observation = env.Step(trace.Steps[t].Action).Observation;
            Assert.That(AsInts(observation[..147]), Is.EqualTo(trace.Steps[t].Image));
            Assert.That(observation[147..], Is.EqualTo(codes));
        }
    }

    [Test]
    public void FlatObsEncodesCommasAndUpperCaseAndRejectsOtherCharacters()
    {
        using var env = new FlatObsWrapper(Core.Envs.Make("MiniGrid-Empty-5x5-v0"));
        var codes = new float[96 * 28];
        env.EncodeMission("Go, b", codes);
        int[] expected = ['g' - 'a', 'o' - 'a', 27, 26, 'b' - 'a'];
        for (int row = 0; row < expected.Length; row++)
            Assert.That(Array.IndexOf(codes, 1f, row * 28, 28) - row * 28, Is.EqualTo(expected[row]), $"row {row}");
        Assert.That(codes.Sum(), Is.EqualTo(5));

        var unknown = Assert.Throws<ArgumentException>(() => env.EncodeMission("get to the goal.", codes))!;
        Assert.That(unknown.Message, Does.Contain("'.'").And.Contain("position 15"));
        Assert.That(codes.Sum(), Is.EqualTo(5), "a rejected mission leaves the buffer as it was");
    }

    [Test]
    public void FlatObsRejectsAMissionLongerThanMaxStrLen()
    {
        using var env = new FlatObsWrapper(Core.Envs.Make("MiniGrid-LavaGapS5-v0"), maxStrLen: 10);
        Assert.That(env.ObservationSpace.Shape, Is.EqualTo(new[] { 147 + 280 }));
        var error = Assert.Throws<ArgumentException>(() => env.Reset(0))!;
        Assert.That(error.Message, Does.Contain("too long (47 chars"));
    }

    [Test]
    public void DictObservationSpaceMatchesTheDocstringExample()
    {
        using var env = new DictObservationSpaceWrapper(Core.Envs.Make("MiniGrid-LavaCrossingS11N5-v0"));
        float[] observation = env.Reset(0);
        int[] mission = AsInts(Entry(env, observation, "mission"));
        // wrappers.py: 'avoid the lava and get to the green goal square' → [19, 31, 17, 36, 20, 38, 31, 2, 15, 35], then zeros.
        Assert.That(mission[..10], Is.EqualTo(new[] { 19, 31, 17, 36, 20, 38, 31, 2, 15, 35 }));
        Assert.That(mission[10..], Has.All.Zero);
        Assert.That(mission, Has.Length.EqualTo(50));
        Assert.That(env.ObservationSpace.Contains(observation), Is.True);
        Assert.That(env.StringToIndices("open the door, then go"), Is.EqualTo(new[] { 24, 31, 14, 34, 37, 25 }));
        Assert.That(Assert.Throws<ArgumentException>(() => env.StringToIndices("open the portal"))!.Message, Does.Contain("'portal'"));
    }

    [Test]
    public void DirectionObsMatchesTheDocstringExampleAndFollowsTheAgent()
    {
        // wrappers.py: on LavaCrossingS11N5 the agent starts at (1, 1) and the goal is at (9, 9): slope 1.0.
        using var slope = new DirectionObsWrapper(Core.Envs.Make("MiniGrid-LavaCrossingS11N5-v0"));
        Assert.That(Entry(slope, slope.Reset(0), "goal_direction"), Is.EqualTo(new[] { 1f }));
        using var angle = new DirectionObsWrapper(Core.Envs.Make("MiniGrid-LavaCrossingS11N5-v0"), GoalDirectionType.Angle);
        Assert.That(Entry(angle, angle.Reset(0), "goal_direction")[0], Is.EqualTo(MathF.PI / 4).Within(1e-6f));

        // Empty-6x6: agent (1, 1) facing right, goal (4, 4); after one step forward the agent is at (2, 1).
        using var empty = new DirectionObsWrapper(Core.Envs.Make("MiniGrid-Empty-6x6-v0"));
        empty.Reset(0);
        Assert.That(empty.GoalPosition, Is.EqualTo((4, 4)));
        float[] observation = empty.Step((int)MiniGridAction.Forward).Observation;
        Assert.That(Entry(empty, observation, "goal_direction")[0], Is.EqualTo((float)(3.0 / 2.0)));
        Assert.That(((DictSpace)empty.ObservationSpace).Spaces.Select(e => e.Key), Is.EqualTo(new[] { "direction", "goal_direction", "image", "mission" }));
    }

    [TestCase("MiniGrid-Empty-8x8-v0", 0UL)]
    [TestCase("MiniGrid-DoorKey-5x5-v0", 1UL)]
    public void RGBImgObsIsTheFullFrameAtTheTileSize(string id, ulong seed)
    {
        MiniGridEnv plain = Make(id);
        using var env = new RGBImgObsWrapper(plain);
        Assert.That(((DictSpace)env.ObservationSpace)["image"].Shape, Is.EqualTo(new[] { plain.Height * 8, plain.Width * 8, 3 }));
        float[] image = Entry(env, env.Reset(seed), "image");

        // Each 8-pixel tile is Minigrid's render_tile of that cell, highlighted where the agent sees it.
        RenderFrame full = plain.Render()!;
        for (int y = 0; y < plain.Height; y++)
        {
            for (int x = 0; x < plain.Width; x++)
            {
                // At 32 pixels the frame is the env's own render: a cell is highlighted there exactly when lighter than unlit.
                bool agent = plain.AgentPosition == (x, y);
                int direction = agent ? plain.AgentDirection : -1;
                byte[] unlit = MiniGridRenderer.Tile(plain.Grid.Get(x, y), direction, highlight: false);
                bool lit = !TileOf(full.Rgb, full.Width / 32, 32, x, y).SequenceEqual(unlit);
                byte[] expected = MiniGridRenderer.Tile(plain.Grid.Get(x, y), direction, lit, tileSize: 8);
                Assert.That(TileOf(image, plain.Width, 8, x, y), Is.EqualTo(expected), $"tile ({x}, {y})");
            }
        }

        using var large = new RGBImgObsWrapper(Make(id), tileSize: 32);
        Assert.That(Entry(large, large.Reset(seed), "image"), Is.EqualTo(full.Rgb.Select(b => (float)b).ToArray()));
    }

    [Test]
    public void RGBImgObsWallTilesAreGreyAndLightenedInView()
    {
        using var env = new RGBImgObsWrapper(Core.Envs.Make("MiniGrid-Empty-8x8-v0"));
        float[] image = Entry(env, env.Reset(0), "image");
        // Minigrid fills a wall tile and its grid lines with (100, 100, 100); in view it is lightened to 100 + 0.3·155 = 146.
        Assert.That(TileOf(image, 8, 8, 7, 7), Has.All.EqualTo((byte)100), "corner out of view");
        Assert.That(TileOf(image, 8, 8, 1, 0), Has.All.EqualTo((byte)146), "wall beside the agent, in view");
    }

    [TestCase("MiniGrid-DoorKey-5x5-v0/seed1_random.json")]
    [TestCase("MiniGrid-KeyCorridorS3R1-v0/seed1_random.json")]
    public void RGBImgPartialObsRendersTheRecordedViewAsGetPovRenderDoes(string file)
    {
        // get_pov_render renders gen_obs_grid(): cells out of view are None and not highlighted, cells in view
        // are highlighted, the agent's cell holds what it carries and the agent is drawn facing up (dir 3).
        // Visibility and contents come from the image Python recorded: type 0 (unseen) is out of view.
        MiniGridTrace trace = LoadTrace(file);
        using var env = new RGBImgPartialObsWrapper(Core.Envs.Make(trace.EnvId));
        Assert.That(((DictSpace)env.ObservationSpace)["image"].Shape, Is.EqualTo(new[] { 56, 56, 3 }));
        float[] observation = env.Reset(trace.Seed);
        bool sawCarrying = false;
        for (int t = 0; t <= trace.Steps.Count; t++)
        {
            TraceSnapshot snapshot = t == 0 ? trace.Reset : trace.Steps[t - 1];
            if (t > 0) observation = env.Step(snapshot.Action).Observation;
            sawCarrying |= snapshot.Carrying is not null;
            byte[] image = Array.ConvertAll(Entry(env, observation, "image"), v => (byte)v);
            for (int i = 0; i < 7; i++)
            {
                for (int j = 0; j < 7; j++)
                {
                    int at = (i * 7 + j) * 3;
                    var cell = new CellEncoding((byte)snapshot.Image[at], (byte)snapshot.Image[at + 1], (byte)snapshot.Image[at + 2]);
                    bool agent = (i, j) == (3, 6);
                    byte[] expected = MiniGridRenderer.Tile(cell, agent ? 3 : -1, highlight: cell.Type != 0, tileSize: 8);
                    Assert.That(TileOf(image, 7, 8, i, j), Is.EqualTo(expected), $"step {t}, view cell ({i}, {j})");
                }
            }
        }
        Assert.That(sawCarrying, Is.True, "the trace should carry something at some step");
    }

    /// <summary>The pixels of tile (x, y) of a frame <paramref name="tilesAcross"/> tiles wide, as bytes.</summary>
    private static byte[] TileOf(float[] frame, int tilesAcross, int tileSize, int x, int y)
        => TileOf(Array.ConvertAll(frame, v => (byte)v), tilesAcross, tileSize, x, y);

    private static byte[] TileOf(byte[] frame, int tilesAcross, int tileSize, int x, int y)
    {
        var tile = new byte[tileSize * tileSize * 3];
        int rowBytes = tileSize * 3;
        for (int row = 0; row < tileSize; row++)
            Array.Copy(frame, ((y * tileSize + row) * tilesAcross * tileSize + x * tileSize) * 3, tile, row * rowBytes, rowBytes);
        return tile;
    }

    [Test]
    public void ActionBonusMatchesTheDocstringAndCountsPoseAndAction()
    {
        using var env = new ActionBonus(Core.Envs.Make("MiniGrid-Empty-5x5-v0"));
        env.Reset(0);
        // wrappers.py: two right turns from (1, 1) are two different (pose, action) keys: 1.0 and 1.0.
        Assert.That(env.Step((int)MiniGridAction.Right).Reward, Is.EqualTo(1.0));
        Assert.That(env.Step((int)MiniGridAction.Right).Reward, Is.EqualTo(1.0));
        // Two more turns come back to facing right; the fifth reaches facing down again, seen once before.
        env.Step((int)MiniGridAction.Right);
        env.Step((int)MiniGridAction.Right);
        Assert.That(env.Step((int)MiniGridAction.Right).Reward, Is.EqualTo(1 / Math.Sqrt(2)));
        Assert.That(env.Visits((1, 1), 1, (int)MiniGridAction.Right), Is.EqualTo(2));
        Assert.That(env.Visits((1, 1), 1, (int)MiniGridAction.Left), Is.Zero);
        // Counts survive a reset, as Python's dict does.
        env.Reset(0);
        Assert.That(env.Step((int)MiniGridAction.Right).Reward, Is.EqualTo(1 / Math.Sqrt(3)));
    }

    [Test]
    public void PositionBonusMatchesTheDocstringAndSurvivesReset()
    {
        using var env = new PositionBonus(Core.Envs.Make("MiniGrid-Empty-5x5-v0"));
        env.Reset(0);
        // wrappers.py: 1.0, then 0.7071067811865475 for the same cell.
        Assert.That(env.Step((int)MiniGridAction.Right).Reward, Is.EqualTo(1.0));
        Assert.That(env.Step((int)MiniGridAction.Right).Reward, Is.EqualTo(0.7071067811865475));
        // Facing left now; turn to face down, then step to (1, 2), a new cell.
        Assert.That(env.Step((int)MiniGridAction.Left).Reward, Is.EqualTo(1 / Math.Sqrt(3)));
        Assert.That(env.Step((int)MiniGridAction.Forward).Reward, Is.EqualTo(1.0), "a new cell");
        Assert.That((env.Visits((1, 1)), env.Visits((1, 2)), env.Visits((2, 1))), Is.EqualTo((3, 1, 0)));
        env.Reset(0);
        Assert.That(env.Step((int)MiniGridAction.Left).Reward, Is.EqualTo(0.5));
    }

    [Test]
    public void VisitCountsAreSavedWithTheEnvState()
    {
        using var env = new ActionBonus(new PositionBonus(Core.Envs.Make("MiniGrid-DoorKey-5x5-v0")));
        env.Reset(2);
        var actions = NumpyGenerator.FromSeed(3);
        for (int t = 0; t < 30; t++) env.Step((int)actions.Integers(0, 3));
        byte[] snapshot = env.Snapshot();
        int[] continuation = [.. Enumerable.Range(0, 30).Select(_ => (int)actions.Integers(0, 3))];
        double[] first = continuation.Select(a => env.Step(a).Reward).ToArray();
        env.Restore(snapshot);
        Assert.That(continuation.Select(a => env.Step(a).Reward).ToArray(), Is.EqualTo(first));
    }

    [Test]
    public void ReseedCyclesThroughItsSeedsAsTheDocstringShows()
    {
        MiniGridEnv plain = Make("MiniGrid-Empty-5x5-v0");
        int[] Draw() => Enumerable.Range(0, 10).Select(_ => (int)plain.Generator!.Integers(0, 10)).ToArray();
        plain.Reset(123);
        Assert.That(Draw(), Is.EqualTo(new[] { 0, 6, 5, 0, 9, 2, 2, 1, 3, 1 }));

        using var env = new ReseedWrapper(plain, [0, 1]);
        int[] seed0 = [8, 6, 5, 2, 3, 0, 0, 0, 1, 8], seed1 = [4, 5, 7, 9, 0, 1, 8, 9, 2, 3];
        foreach (int[] expected in new[] { seed0, seed1, seed0, seed1 })
        {
            env.Reset(seed: 99); // ignored, as in Python
            Assert.That(Draw(), Is.EqualTo(expected));
        }
        Assert.Throws<ArgumentException>(() => _ = new ReseedWrapper(Make("MiniGrid-Empty-5x5-v0"), []));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ReseedWrapper(Make("MiniGrid-Empty-5x5-v0"), [0, 1], seedIndex: 2));
    }

    [Test]
    public void NoDeathMatchesTheDocstringExamples()
    {
        // wrappers.py: LavaCrossingS9N1 seed 2, right then forward walks into lava: (0, True); with NoDeath (-1.0, False).
        using IEnv crossing = Core.Envs.Make("MiniGrid-LavaCrossingS9N1-v0");
        crossing.Reset(2);
        crossing.Step((int)MiniGridAction.Right);
        var plain = crossing.Step((int)MiniGridAction.Forward);
        Assert.That((plain.Reward, plain.Terminated), Is.EqualTo((0.0, true)));
        using var safe = new NoDeath(Core.Envs.Make("MiniGrid-LavaCrossingS9N1-v0"), [ObjectType.Lava], deathCost: -1.0);
        safe.Reset(2);
        safe.Step((int)MiniGridAction.Right);
        var saved = safe.Step((int)MiniGridAction.Forward);
        Assert.That((saved.Reward, saved.Terminated), Is.EqualTo((-1.0, false)));

        // Dynamic-Obstacles-5x5 seed 2, forward into a ball: (-1, True); with NoDeath on balls (-2.0, False).
        using IEnv dynamic = Core.Envs.Make("MiniGrid-Dynamic-Obstacles-5x5-v0");
        dynamic.Reset(2);
        var hit = dynamic.Step((int)MiniGridAction.Forward);
        Assert.That((hit.Reward, hit.Terminated), Is.EqualTo((-1.0, true)));
        using var dodging = new NoDeath(Core.Envs.Make("MiniGrid-Dynamic-Obstacles-5x5-v0"), [ObjectType.Ball]);
        dodging.Reset(2);
        var survived = dodging.Step((int)MiniGridAction.Forward);
        Assert.That((survived.Reward, survived.Terminated), Is.EqualTo((-2.0, false)));
    }

    [Test]
    public void NoDeathOnLavaGapLetsTheAgentWalkOn()
    {
        // The recorded LavaGapS5 seed-0 layout: agent (1, 1) facing right, lava at (2, 1) and (2, 2).
        MiniGridTrace trace = LoadTrace("MiniGrid-LavaGapS5-v0/seed0_random.json");
        Assert.That((trace.Reset.AgentPosition, trace.Reset.AgentDirection), Is.EqualTo(((1, 1), 0)));
        int lava = (2 * trace.Height + 1) * 3;
        Assert.That(trace.ResetGrid[lava], Is.EqualTo((int)ObjectType.Lava));

        using var env = new NoDeath(Core.Envs.Make(trace.EnvId), [ObjectType.Lava], deathCost: -0.5);
        var unwrapped = (MiniGridEnv)env.Unwrapped;
        env.Reset(trace.Seed);
        var intoLava = env.Step((int)MiniGridAction.Forward);
        Assert.That((intoLava.Reward, intoLava.Terminated, unwrapped.AgentPosition), Is.EqualTo((-0.5, false, (2, 1))));
        // Turning on the lava does not end the episode in Minigrid, so nothing changes.
        var turn = env.Step((int)MiniGridAction.Left);
        Assert.That((turn.Reward, turn.Terminated), Is.EqualTo((0.0, false)));
        var outOfLava = env.Step((int)MiniGridAction.Right);
        outOfLava = env.Step((int)MiniGridAction.Forward);
        Assert.That((outOfLava.Reward, outOfLava.Terminated, unwrapped.AgentPosition), Is.EqualTo((0.0, false, (3, 1))));

        Assert.Throws<ArgumentException>(() => _ = new NoDeath(Core.Envs.Make(trace.EnvId), [ObjectType.Goal]));
    }

    [Test]
    public void StochasticActionKeepsOrReplacesActions()
    {
        var actions = Enumerable.Range(0, 40).Select(t => t % 3).ToArray();

        // prob 1 keeps every action: the same run as the plain env.
        using IEnv plain = Core.Envs.Make("MiniGrid-DoorKey-5x5-v0");
        using var keep = new StochasticActionWrapper(Core.Envs.Make("MiniGrid-DoorKey-5x5-v0"), prob: 1, seed: 1);
        plain.Reset(4);
        keep.Reset(4);
        foreach (int action in actions) Assert.That(keep.Step(action).Observation, Is.EqualTo(plain.Step(action).Observation));

        // prob 0 with random_action always takes that action.
        using var forward = new StochasticActionWrapper(Core.Envs.Make("MiniGrid-Empty-8x8-v0"), prob: 0, randomAction: (int)MiniGridAction.Forward);
        forward.Reset(0);
        forward.Step((int)MiniGridAction.Left);
        forward.Step((int)MiniGridAction.Left);
        Assert.That(((MiniGridEnv)forward.Unwrapped).AgentPosition, Is.EqualTo((3, 1)));

        // prob 0 without one draws env.np_random.integers(0, 6), advancing the env's generator.
        using var random = new StochasticActionWrapper(Core.Envs.Make("MiniGrid-DoorKey-5x5-v0"), prob: 0);
        var unwrapped = (MiniGridEnv)random.Unwrapped;
        using IEnv twin = Core.Envs.Make("MiniGrid-DoorKey-5x5-v0");
        random.Reset(5);
        twin.Reset(5);
        for (int t = 0; t < 20; t++)
        {
            int drawn = (int)unwrapped.Generator!.Clone().Integers(0, 6);
            Assert.That(drawn, Is.InRange(0, 5));
            Assert.That(random.Step((int)MiniGridAction.Done).Observation, Is.EqualTo(twin.Step(drawn).Observation), $"step {t}");
        }
    }

    [Test]
    public void WrappersComposeWithTheRegistry()
    {
        using var direct = new FlatObsWrapper(Core.Envs.Make("MiniGrid-DoorKey-5x5-v0"));
        Assert.That(direct.ObservationSpace.FlatSize, Is.EqualTo(147 + 96 * 28));

        using IEnv fromOption = Core.Envs.Make("MiniGrid-DoorKey-5x5-v0", new EnvOptions { ["wrappers"] = "FullyObs, FlatObsWrapper(maxStrLen=64)" });
        var flat = (FlatObsWrapper)fromOption;
        Assert.That(flat.Env, Is.InstanceOf<FullyObsWrapper>());
        Assert.That(flat.ObservationSpace.FlatSize, Is.EqualTo(5 * 5 * 3 + 64 * 28));
        Assert.That(fromOption.Spec?.Id, Is.EqualTo("MiniGrid-DoorKey-5x5-v0"));
        float[] observation = fromOption.Reset(0);
        Assert.That(fromOption.ObservationSpace.Contains(observation), Is.True);

        // A YAML list prints as "[ a, b ]"; a list of names works as well.
        using IEnv listed = Core.Envs.Make("MiniGrid-LavaGapS5-v0", new EnvOptions
        {
            ["wrappers"] = "[ NoDeath(no_death_types=lava ball, death_cost=-0.25), RGBImgPartialObs(tile_size=4), ImgObs ]",
        });
        Assert.That(listed.ObservationSpace.Shape, Is.EqualTo(new[] { 28, 28, 3 }));
        Assert.That(listed.FindWrapper<NoDeath>()!.NoDeathTypes, Is.EqualTo(new[] { ObjectType.Lava, ObjectType.Ball }));
        using IEnv named = Core.Envs.Make("MiniGrid-Empty-5x5-v0", new EnvOptions { ["wrappers"] = new[] { "Reseed(seeds=3 4, seed_idx=1)", "ActionBonus" } });
        Assert.That(named.FindWrapper<ReseedWrapper>()!.Seeds, Is.EqualTo(new ulong[] { 3, 4 }));
        Assert.That(named.FindWrapper<ReseedWrapper>()!.SeedIndex, Is.EqualTo(1));
    }

    [TestCase("FlatOb", "Unknown MiniGrid wrapper 'FlatOb'; did you mean FlatObsWrapper?")]
    [TestCase("FlatObs(tile_size=8)", "has no argument 'tile_size'; it takes maxStrLen")]
    [TestCase("RGBImgObs(tile_size=big)", "invalid tile_size 'big'")]
    [TestCase("NoDeath", "needs no_death_types")]
    [TestCase("NoDeath(no_death_types=acid)", "'acid' is not a Minigrid object type")]
    [TestCase("FullyObs(tile_size", "closed by ')'")]
    public void BadWrapperOptionsAreClearErrors(string wrappers, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Core.Envs.Make("MiniGrid-Empty-5x5-v0", new EnvOptions { ["wrappers"] = wrappers }))!;
        Assert.That(error.Message, Does.Contain(message));
    }

    [Test]
    public void DictWrappersNeedTheDictObservation()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new FullyObsWrapper(new ImgObsWrapper(Core.Envs.Make("MiniGrid-Empty-5x5-v0"))))!;
        Assert.That(error.Message, Does.Contain("FullyObsWrapper needs the Dict observation"));
        var notMiniGrid = Assert.Throws<ArgumentException>(() => _ = new FullyObsWrapper(Core.Envs.Make("CartPole-v1")))!;
        Assert.That(notMiniGrid.Message, Does.Contain("wraps MiniGrid envs"));
    }

    private static IEnumerable<TestCaseData> WrapperStacks()
    {
        yield return new TestCaseData("FullyObs, FlatObs").SetName("StepAllocatesNothing(FullyObs, FlatObs)");
        yield return new TestCaseData("OneHotPartialObs, DictObservationSpace").SetName("StepAllocatesNothing(OneHotPartialObs, DictObservationSpace)");
        yield return new TestCaseData("RGBImgPartialObs, ImgObs").SetName("StepAllocatesNothing(RGBImgPartialObs, ImgObs)");
        yield return new TestCaseData("RGBImgObs, SymbolicObs, DirectionObs").SetName("StepAllocatesNothing(RGBImgObs, SymbolicObs, DirectionObs)");
        yield return new TestCaseData("ActionBonus, PositionBonus, NoDeath(no_death_types=lava), StochasticAction(prob=0.5, seed=1)")
            .SetName("StepAllocatesNothing(ActionBonus, PositionBonus, NoDeath, StochasticAction)");
    }

    [TestCaseSource(nameof(WrapperStacks))]
    public void StepAllocatesNothing(string wrappers)
    {
        using IEnv env = Core.Envs.Make("MiniGrid-DoorKey-5x5-v0", new EnvOptions { ["wrappers"] = wrappers });
        // The same seeded episodes twice: the first pass JIT-compiles and fills the tile cache with every
        // tile those episodes draw; the second must then allocate nothing. Resets may allocate (new layout).
        StepAllocations.Measure(env, steps: 1000, warmUpSteps: 0);
        Assert.That(StepAllocations.Measure(env, steps: 1000, warmUpSteps: 0), Is.Zero);
    }
}
