using NUnit.Framework;
using RlAlign.Envs.MiniGrid;

namespace RlAlign.Core.Tests.MiniGrid;

/// <summary>
/// Layout invariants, from Minigrid's generators, for ids the recorded traces do not cover.
/// </summary>
[TestFixture]
public sealed class MiniGridLayoutTests
{
    private static MiniGridEnv ResetWithSeed(string id, ulong seed)
    {
        var env = (MiniGridEnv)Core.Envs.Make(id);
        env.Reset(new float[env.ObservationSpace.FlatSize], seed);
        return env;
    }

    private static int Count(MiniGridEnv env, Func<WorldObject, bool> match)
    {
        int count = 0;
        for (int x = 0; x < env.Width; x++)
            for (int y = 0; y < env.Height; y++)
                if (env.Grid.Get(x, y) is WorldObject cell && match(cell)) count++;
        return count;
    }

    [Test]
    public void ObstructedMazeFullV1KeepsEveryKeyBoxWhileV0CanLoseOne()
    {
        bool v0LostABox = false;
        for (ulong seed = 0; seed < 30; seed++)
        {
            using MiniGridEnv v1 = ResetWithSeed("MiniGrid-ObstructedMaze-Full-v1", seed);
            Assert.That(Count(v1, c => c is Door { IsLocked: true }), Is.EqualTo(8), $"seed {seed}: locked doors");
            Assert.That(Count(v1, c => c is Ball { Color: ObjectColor.Green }), Is.EqualTo(8), $"seed {seed}: blocking balls");
            Assert.That(Count(v1, c => c is Box { Color: ObjectColor.Grey, Contains: Key }), Is.EqualTo(8), $"seed {seed}: key boxes");
            Assert.That(Count(v1, c => c is Ball { Color: ObjectColor.Blue }), Is.EqualTo(1), $"seed {seed}: target ball");

            // v0 places each side room's keys between its doors, so a later blocking ball can overwrite a key box.
            using MiniGridEnv v0 = ResetWithSeed("MiniGrid-ObstructedMaze-Full-v0", seed);
            int boxes = Count(v0, c => c is Box { Contains: Key });
            Assert.That(boxes, Is.LessThanOrEqualTo(8));
            v0LostABox |= boxes < 8;
        }
        TestContext.Out.WriteLine($"ObstructedMaze-Full-v0 lost a key box in some of 30 seeds: {v0LostABox}");
    }

    [Test]
    public void LockedRoomHasOneLockedDoorAndItsKey()
    {
        for (ulong seed = 0; seed < 20; seed++)
        {
            using MiniGridEnv env = ResetWithSeed("MiniGrid-LockedRoom-v0", seed);
            Assert.That(Count(env, c => c is Door), Is.EqualTo(6));
            Assert.That(Count(env, c => c is Door { IsLocked: true }), Is.EqualTo(1));
            ObjectColor lockedColor = default;
            Count(env, c => { if (c is Door { IsLocked: true }) lockedColor = c.Color; return false; });
            Assert.That(Count(env, c => c is Key && c.Color == lockedColor), Is.EqualTo(1));
            Assert.That(Count(env, c => c is Goal), Is.EqualTo(1));
            Assert.That(env.Mission, Does.StartWith($"get the {lockedColor.Name()} key from the "));
        }
    }

    [TestCase("MiniGrid-MultiRoom-N6-v0", 6)]
    [TestCase("MiniGrid-MultiRoom-N4-S5-v0", 6)]
    [TestCase("MiniGrid-MultiRoom-N4-S5-v1", 4)]
    public void MultiRoomChainsTheRegisteredNumberOfRooms(string id, int rooms)
    {
        for (ulong seed = 0; seed < 10; seed++)
        {
            using MiniGridEnv env = ResetWithSeed(id, seed);
            Assert.That(((MultiRoomEnv)env).Rooms, Has.Count.EqualTo(rooms));
            Assert.That(Count(env, c => c is Door { IsOpen: false, IsLocked: false }), Is.EqualTo(rooms - 1));
            Assert.That(Count(env, c => c is Goal), Is.EqualTo(1));
        }
    }

    [TestCase("MiniGrid-LavaCrossingS11N5-v0", ObjectType.Lava)]
    [TestCase("MiniGrid-SimpleCrossingS9N3-v0", ObjectType.Wall)]
    public void CrossingAlwaysLeavesAPathThroughTheRivers(string id, ObjectType obstacle)
    {
        for (ulong seed = 0; seed < 10; seed++)
        {
            using MiniGridEnv env = ResetWithSeed(id, seed);
            Assert.That(Count(env, c => c.Type == obstacle && c.CurrentPosition.X > 0), Is.GreaterThan(0), "rivers were laid");
            Assert.That(Reachable(env, (1, 1), (env.Width - 2, env.Height - 2)), Is.True, $"seed {seed}: the goal is reachable");
        }

        static bool Reachable(MiniGridEnv env, (int X, int Y) from, (int X, int Y) to)
        {
            var seen = new HashSet<(int, int)> { from };
            var queue = new Queue<(int X, int Y)>([from]);
            while (queue.Count > 0)
            {
                (int x, int y) = queue.Dequeue();
                if ((x, y) == to) return true;
                foreach ((int dx, int dy) in new[] { (1, 0), (-1, 0), (0, 1), (0, -1) })
                {
                    (int nx, int ny) = (x + dx, y + dy);
                    WorldObject? cell = env.Grid.Get(nx, ny);
                    if ((cell is null || cell is Goal) && seen.Add((nx, ny))) queue.Enqueue((nx, ny));
                }
            }
            return false;
        }
    }

    [TestCase("MiniGrid-KeyCorridorS6R3-v0")]
    [TestCase("MiniGrid-KeyCorridorS4R3-v0")]
    public void KeyCorridorPutsTheTargetBehindItsLockedDoor(string id)
    {
        for (ulong seed = 0; seed < 10; seed++)
        {
            using MiniGridEnv env = ResetWithSeed(id, seed);
            var target = ((PickupTargetRoomGridEnv)env).Target!;
            Assert.That(target, Is.InstanceOf<Ball>());
            Assert.That(env.Mission, Is.EqualTo($"pick up the {target.Color.Name()} ball"));
            Assert.That(Count(env, c => c is Door { IsLocked: true }), Is.EqualTo(1));
            Assert.That(target.CurrentPosition.X, Is.GreaterThan(2 * (((RoomGridEnv)env).RoomSize - 1)), "the target is in the right-hand column");
        }
    }
}
