using NUnit.Framework;
using RlAlign.Envs.MiniGrid;

namespace RlAlign.Core.Tests.MiniGrid;

/// <summary>Minigrid's object and action semantics on hand-built layouts.</summary>
[TestFixture]
public sealed class MiniGridSemanticsTests
{
    /// <summary>A 7×7 walled room whose contents a test sets up; the agent starts at (1, 3) facing right.</summary>
    private sealed class SandboxEnv(Action<MiniGridEnv> build, bool seeThroughWalls = false)
        : MiniGridEnv("Sandbox", 7, 7, 50, seeThroughWalls)
    {
        protected override void GenerateGrid(int width, int height)
        {
            Grid = new Grid(width, height);
            Grid.WallRectangle(0, 0, width, height);
            AgentPosition = (1, 3);
            AgentDirection = 0;
            Mission = "test";
            build(this);
        }
    }

    private static (SandboxEnv Env, float[] Observation) Start(Action<MiniGridEnv> build, bool seeThroughWalls = false)
    {
        var env = new SandboxEnv(build, seeThroughWalls);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, 0);
        return (env, observation);
    }

    private static StepResult Act(SandboxEnv env, float[] observation, MiniGridAction action) => env.Step([(float)action], observation);

    /// <summary>The observation cell at view column i, view row j.</summary>
    private static (int Type, int Color, int State) View(SandboxEnv env, float[] observation, int i, int j)
    {
        int at = env.ImageOffset + (i * env.AgentViewSize + j) * 3;
        return ((int)observation[at], (int)observation[at + 1], (int)observation[at + 2]);
    }

    [Test]
    public void LockedDoorOpensOnlyWithKeyOfItsColour()
    {
        var door = new Door(ObjectColor.Yellow, isLocked: true);
        var (env, observation) = Start(e =>
        {
            e.PutObject(new Key(ObjectColor.Blue), 2, 3);
            e.PutObject(door, 3, 3);
        });
        Act(env, observation, MiniGridAction.Pickup);
        Assert.That(env.Carrying, Is.InstanceOf<Key>());
        Assert.That(View(env, observation, 3, 6), Is.EqualTo((5, 2, 0)), "the agent sees what it carries in its own cell");
        Act(env, observation, MiniGridAction.Forward);
        Act(env, observation, MiniGridAction.Toggle);
        Assert.That((door.IsOpen, door.IsLocked), Is.EqualTo((false, true)), "a blue key does not open a yellow door");

        var yellowDoor = new Door(ObjectColor.Yellow, isLocked: true);
        (env, observation) = Start(e =>
        {
            e.PutObject(new Key(ObjectColor.Yellow), 2, 3);
            e.PutObject(yellowDoor, 3, 3);
        });
        Act(env, observation, MiniGridAction.Pickup);
        Act(env, observation, MiniGridAction.Forward);
        Act(env, observation, MiniGridAction.Toggle);
        Assert.That((yellowDoor.IsOpen, yellowDoor.IsLocked), Is.EqualTo((true, false)));
        Assert.That(env.Carrying, Is.Not.Null, "unlocking keeps the key");
        Act(env, observation, MiniGridAction.Toggle);
        Assert.That(yellowDoor.IsOpen, Is.False, "an unlocked door toggles closed again");
    }

    [Test]
    public void BoxTogglesIntoItsContentsAndDropNeedsAnEmptyCell()
    {
        var (env, observation) = Start(e => e.PutObject(new Box(ObjectColor.Red, new Ball(ObjectColor.Green)), 2, 3));
        Act(env, observation, MiniGridAction.Toggle);
        Assert.That(env.Grid.Get(2, 3), Is.InstanceOf<Ball>());
        Act(env, observation, MiniGridAction.Pickup);
        Assert.That(env.Carrying, Is.InstanceOf<Ball>());
        Assert.That(env.Grid.Get(2, 3), Is.Null);

        env.Grid.Set(2, 3, new Key(ObjectColor.Red));
        Act(env, observation, MiniGridAction.Drop);
        Assert.That(env.Carrying, Is.InstanceOf<Ball>(), "cannot drop onto an occupied cell");
        Act(env, observation, MiniGridAction.Pickup);
        Assert.That(env.Carrying, Is.InstanceOf<Ball>(), "cannot pick up while carrying");
        env.Grid.Set(2, 3, null);
        Act(env, observation, MiniGridAction.Drop);
        Assert.That((env.Carrying, env.Grid.Get(2, 3)?.CurrentPosition), Is.EqualTo(((WorldObject?)null, ((int, int)?)(2, 3))));
    }

    [Test]
    public void LavaEndsTheEpisodeWithoutRewardAndWallsBlock()
    {
        var (env, observation) = Start(e => e.PutObject(new Lava(), 2, 3));
        StepResult result = Act(env, observation, MiniGridAction.Forward);
        Assert.That((result.Terminated, result.Reward, env.AgentPosition), Is.EqualTo((true, 0.0, (2, 3))));

        (env, observation) = Start(_ => { });
        Act(env, observation, MiniGridAction.Left);
        Assert.That(env.AgentDirection, Is.EqualTo(3));
        result = Act(env, observation, MiniGridAction.Forward);
        Act(env, observation, MiniGridAction.Forward);
        Act(env, observation, MiniGridAction.Forward);
        Assert.That((env.AgentPosition, result.Terminated), Is.EqualTo(((1, 1), false)), "the wall at y = 0 stops the agent");
    }

    [Test]
    public void WallsAndClosedDoorsOccludeUnlessSeeThroughWalls()
    {
        // A wall column at x = 3 with a closed door at (3, 3) straight ahead; a ball behind it at (5, 3).
        void Build(MiniGridEnv e)
        {
            e.Grid.VerticalWall(3, 0);
            e.PutObject(new Door(ObjectColor.Red), 3, 3);
            e.PutObject(new Ball(ObjectColor.Purple), 5, 3);
        }
        var (env, observation) = Start(Build);
        // Facing right from (1, 3): view row j is 6 - distance ahead, column 3 is straight ahead.
        Assert.That(View(env, observation, 3, 4), Is.EqualTo((4, 0, 1)), "the closed door is seen");
        Assert.That(View(env, observation, 3, 2), Is.EqualTo((0, 0, 0)), "the ball behind it is hidden");
        Assert.That(View(env, observation, 3, 6), Is.EqualTo((1, 0, 0)), "an empty-handed agent sees empty");

        Act(env, observation, MiniGridAction.Forward);
        Act(env, observation, MiniGridAction.Toggle);
        // Now at (2, 3): the door is one cell ahead (row 5), the ball three (row 3).
        Assert.That(View(env, observation, 3, 5), Is.EqualTo((4, 0, 0)), "the open door");
        Assert.That(View(env, observation, 3, 3), Is.EqualTo((6, 3, 0)), "the ball is visible through the open door");

        (env, observation) = Start(Build, seeThroughWalls: true);
        Assert.That(View(env, observation, 3, 2), Is.EqualTo((6, 3, 0)));
        // Cells past the grid's edge read as walls.
        Assert.That(View(env, observation, 3, 0), Is.EqualTo((2, 5, 0)));
    }

    [Test]
    public void PlaceObjectGivesUpAfterItsTries()
    {
        var (env, _) = Start(_ => { });
        // Only walls and the agent in a 1×1 rectangle: every try fails.
        Assert.Throws<PlacementFailedException>(() => env.PlaceObject(new Ball(), top: (0, 0), size: (1, 1), maxTries: 10));
        Assert.That(env.TryPlaceObject(new Ball(), out _, top: (1, 3), size: (1, 1), maxTries: 10), Is.False);
    }
}
