using System.Diagnostics;
using NUnit.Framework;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.Rendering;

namespace RlAlign.Core.Tests.MiniGrid;

/// <summary>Minigrid's <c>rgb_array</c> frames: size, colours of known tiles, the view highlight, determinism.</summary>
[TestFixture]
public sealed class MiniGridRenderTests
{
    private const int Tile = MiniGridRenderer.TileSize;

    private static MiniGridEnv MakeReset(string id, ulong seed = 0)
    {
        var env = (MiniGridEnv)Core.Envs.Make(id);
        env.Reset(new float[env.ObservationSpace.FlatSize], seed);
        return env;
    }

    private static RenderFrame RenderOf(MiniGridEnv env) => env.Render() ?? throw new AssertionException("Render returned null after Reset.");

    /// <summary>The mean RGB of tile (x, y), to compare tiles without depending on exact anti-aliased pixels.</summary>
    private static (double R, double G, double B) MeanColour(RenderFrame frame, int x, int y)
    {
        double r = 0, g = 0, b = 0;
        for (int row = 0; row < Tile; row++)
        {
            for (int column = 0; column < Tile; column++)
            {
                int at = ((y * Tile + row) * frame.Width + x * Tile + column) * 3;
                r += frame.Rgb[at];
                g += frame.Rgb[at + 1];
                b += frame.Rgb[at + 2];
            }
        }
        const double count = Tile * Tile;
        return (r / count, g / count, b / count);
    }

    private static int CountPixels(RenderFrame frame, int x, int y, Func<byte, byte, byte, bool> match)
    {
        int count = 0;
        for (int row = 0; row < Tile; row++)
        {
            for (int column = 0; column < Tile; column++)
            {
                int at = ((y * Tile + row) * frame.Width + x * Tile + column) * 3;
                if (match(frame.Rgb[at], frame.Rgb[at + 1], frame.Rgb[at + 2])) count++;
            }
        }
        return count;
    }

    [TestCase("MiniGrid-DoorKey-5x5-v0", 5, 5)]
    [TestCase("MiniGrid-Empty-8x8-v0", 8, 8)]
    [TestCase("MiniGrid-FourRooms-v0", 19, 19)]
    [TestCase("MiniGrid-LavaGapS5-v0", 5, 5)]
    public void FrameIsThirtyTwoPixelsPerCell(string id, int width, int height)
    {
        using MiniGridEnv env = MakeReset(id);
        RenderFrame frame = RenderOf(env);
        Assert.That(frame.Width, Is.EqualTo(width * Tile));
        Assert.That(frame.Height, Is.EqualTo(height * Tile));
        Assert.That(frame.Rgb, Has.Length.EqualTo(width * height * Tile * Tile * 3));
    }

    [Test]
    public void RenderBeforeResetIsNull()
    {
        using IEnv env = Core.Envs.Make("MiniGrid-DoorKey-5x5-v0");
        Assert.That(env.Render(), Is.Null);
    }

    [Test]
    public void AgentTileIsRedAndGoalTileGreen()
    {
        using MiniGridEnv env = MakeReset("MiniGrid-DoorKey-5x5-v0");
        RenderFrame frame = RenderOf(env);
        (int ax, int ay) = env.AgentPosition;
        // The agent's own cell is always in view, and Minigrid highlights after drawing the agent, so the
        // triangle's inside is red blended towards white: (255, 255·0.3, 255·0.3) truncated.
        Assert.That(CountPixels(frame, ax, ay, (r, g, b) => r == 255 && g == 76 && b == 76), Is.GreaterThan(150));
        // Unhighlighted, the triangle (about a quarter of the tile) is pure red in every direction.
        for (int direction = 0; direction < 4; direction++)
        {
            byte[] tile = MiniGridRenderer.Tile(null, direction, highlight: false);
            int red = Enumerable.Range(0, Tile * Tile).Count(p => tile[3 * p] == 255 && tile[3 * p + 1] == 0 && tile[3 * p + 2] == 0);
            Assert.That(red, Is.GreaterThan(150), $"direction {direction}");
        }

        // DoorKey puts the goal in the bottom-right corner inside the walls.
        (double R, double G, double B) goal = MeanColour(frame, env.Width - 2, env.Height - 2);
        Assert.That(goal.G, Is.GreaterThan(200));
        Assert.That(goal.R, Is.LessThan(goal.G / 2));
        Assert.That(goal.B, Is.LessThan(goal.G / 2));
    }

    [Test]
    public void WallTileIsGrey()
    {
        using MiniGridEnv env = MakeReset("MiniGrid-Empty-8x8-v0");
        RenderFrame frame = RenderOf(env);
        // The bottom-right corner is out of the agent's view at (1, 1), so it is not highlighted.
        (int x, int y) = (env.Width - 1, env.Height - 1);
        Assert.That(CountPixels(frame, x, y, (r, g, b) => r == 100 && g == 100 && b == 100), Is.EqualTo(Tile * Tile));
    }

    [Test]
    public void HighlightedCellsAreLighter()
    {
        // Tile level: every channel of every pixel is at least as light, and the tile as a whole lighter.
        foreach (WorldObject? cell in new WorldObject?[] { null, new Wall(), new Key(ObjectColor.Yellow), new Lava() })
        {
            byte[] plain = MiniGridRenderer.Tile(cell, -1, highlight: false);
            byte[] lit = MiniGridRenderer.Tile(cell, -1, highlight: true);
            Assert.That(Enumerable.Range(0, plain.Length).All(i => lit[i] >= plain[i]), Is.True, cell?.ToString() ?? "empty");
            Assert.That(lit.Sum(v => v), Is.GreaterThan(plain.Sum(v => v)), cell?.ToString() ?? "empty");
        }

        // Frame level: Empty puts the agent at (1, 1) facing right, so the wall beside it at (1, 0) is in
        // view and the wall behind it at (0, 1) is not.
        using MiniGridEnv env = MakeReset("MiniGrid-Empty-8x8-v0");
        Assert.That((env.AgentPosition, env.AgentDirection), Is.EqualTo(((1, 1), 0)));
        RenderFrame frame = RenderOf(env);
        (double R, double G, double B) seen = MeanColour(frame, 1, 0), unseen = MeanColour(frame, 0, 1);
        Assert.That(seen.R, Is.GreaterThan(unseen.R + 20));
        // Minigrid's blend: 100 + (255 − 100)·0.3 = 146.5, truncated to 146.
        Assert.That(CountPixels(frame, 1, 0, (r, g, b) => r == 146 && g == 146 && b == 146), Is.EqualTo(Tile * Tile));
    }

    [Test]
    public void RenderingIsDeterministic()
    {
        using MiniGridEnv first = MakeReset("MiniGrid-DoorKey-8x8-v0", seed: 3);
        using MiniGridEnv second = MakeReset("MiniGrid-DoorKey-8x8-v0", seed: 3);
        byte[] a = RenderOf(first).Rgb;
        Assert.That(RenderOf(first).Rgb, Is.EqualTo(a));
        Assert.That(RenderOf(second).Rgb, Is.EqualTo(a));
    }

    [Test]
    public void ReportsTileColoursAndFrameTime()
    {
        using MiniGridEnv env = MakeReset("MiniGrid-DoorKey-8x8-v0");
        RenderFrame frame = RenderOf(env);
        for (int y = 0; y < env.Height; y++)
        {
            for (int x = 0; x < env.Width; x++)
            {
                WorldObject? cell = env.Grid.Get(x, y);
                bool agent = env.AgentPosition == (x, y);
                if (cell is null && !agent) continue;
                (double R, double G, double B) mean = MeanColour(frame, x, y);
                TestContext.Out.WriteLine($"({x},{y}) {(agent ? "agent" : cell!.ToString())}: mean ({mean.R:F1}, {mean.G:F1}, {mean.B:F1})");
            }
        }

        const int frames = 200;
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < frames; i++) env.Render();
        stopwatch.Stop();
        double perFrame = stopwatch.Elapsed.TotalMilliseconds / frames;
        TestContext.Out.WriteLine($"8x8 frame: {perFrame:F3} ms");
        Assert.That(perFrame, Is.LessThan(50), "cached tiles should make a frame a few block copies");
    }
}
