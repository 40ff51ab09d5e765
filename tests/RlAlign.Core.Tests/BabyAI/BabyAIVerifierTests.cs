using NUnit.Framework;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.BabyAI;

namespace RlAlign.Core.Tests.BabyAI;

/// <summary>
/// The instruction language and its verifier, on hand-made layouts, against the semantics of Minigrid's
/// <c>babyai/core/verifier.py</c>: surface strings, location words relative to the agent's pose, and the
/// success/failure/ordering rules of every instruction kind.
/// </summary>
[TestFixture]
public sealed class BabyAIVerifierTests
{
    /// <summary>A level whose layout and instruction a test scripts; the agent starts where the script puts it.</summary>
    private sealed class ScriptedLevel(Action<ScriptedLevel> layout, Func<Instr> instruction, int numCols = 1)
        : RoomGridLevel("BabyAI-Scripted-v0", 8, 1, numCols)
    {
        protected override void GenerateMission()
        {
            layout(this);
            Instructions = instruction();
        }

        public T Put<T>(T value, int x, int y) where T : WorldObject
        {
            PutObject(value, x, y);
            return value;
        }

        public void Pose(int x, int y, int direction)
        {
            AgentPosition = (x, y);
            AgentDirection = direction;
        }
    }

    private static (ScriptedLevel Env, float[] Observation) Start(Action<ScriptedLevel> layout, Func<Instr> instruction, int numCols = 1)
    {
        var env = new ScriptedLevel(layout, instruction, numCols);
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed: 0);
        return (env, observation);
    }

    private static StepResult Step(ScriptedLevel env, float[] observation, MiniGridAction action) => env.Step([(float)action], observation);

    // The agent at (3, 3) facing right (+x): front is +x, "left" is -y (up), "right" is +y (down).
    private static void FourSides(ScriptedLevel level)
    {
        level.Pose(3, 3, 0);
        level.Put(new Ball(ObjectColor.Red), 5, 3);     // front
        level.Put(new Key(ObjectColor.Blue), 3, 1);     // left
        level.Put(new Box(ObjectColor.Green), 2, 5);    // right and behind
        level.Put(new Key(ObjectColor.Yellow), 1, 2);   // left and behind
    }

    [Test]
    public void LocationsAreRelativeToTheAgentsHeading()
    {
        (ScriptedLevel env, _) = Start(FourSides, () => new GoToInstr(new ObjDesc(ObjectType.Ball)));
        string Describe(ObjectType? type, ObjectLocation location) => new ObjDesc(type, location: location).Surface(env);

        Assert.That(Describe(ObjectType.Ball, ObjectLocation.Front), Is.EqualTo("the ball in front of you"));
        Assert.That(Describe(ObjectType.Key, ObjectLocation.Left), Is.EqualTo("a key on your left"));
        Assert.That(Describe(ObjectType.Box, ObjectLocation.Right), Is.EqualTo("the box on your right"));
        Assert.That(Describe(ObjectType.Box, ObjectLocation.Behind), Is.EqualTo("the box behind you"));
        Assert.Throws<InvalidOperationException>(() => Describe(ObjectType.Ball, ObjectLocation.Behind), "no ball behind the agent");

        // Turning the agent around swaps front and behind, left and right.
        env.AgentDirection = 2;
        Assert.That(Describe(ObjectType.Box, ObjectLocation.Front), Is.EqualTo("the box in front of you"));
        Assert.That(Describe(ObjectType.Key, ObjectLocation.Right), Is.EqualTo("a key on your right"));
    }

    [Test]
    public void LocationsOnlyDescribeObjectsInTheAgentsRoom()
    {
        // Two rooms side by side (x 0..7 and 7..14); the ball in the second room is in front of the agent but not in its room.
        (ScriptedLevel env, _) = Start(level =>
        {
            level.Pose(3, 3, 0);
            level.Put(new Ball(ObjectColor.Red), 10, 3);
        }, () => new GoToInstr(new ObjDesc(ObjectType.Ball)), numCols: 2);

        var located = new ObjDesc(ObjectType.Ball, location: ObjectLocation.Front);
        located.FindMatchingObjects(env);
        var anywhere = new ObjDesc(ObjectType.Ball);
        anywhere.FindMatchingObjects(env);
        Assert.That(located.Objects, Is.Empty);
        Assert.That(anywhere.Positions, Is.EqualTo(new[] { (10, 3) }));
    }

    [Test]
    public void SurfaceFormsFollowTheBabyAIGrammar()
    {
        (ScriptedLevel env, _) = Start(FourSides, () => new GoToInstr(new ObjDesc(ObjectType.Ball)));
        var redBall = new ObjDesc(ObjectType.Ball, ObjectColor.Red);
        var key = new ObjDesc(ObjectType.Key);
        var green = new ObjDesc(null, ObjectColor.Green);

        Assert.That(new GoToInstr(redBall).Surface(env), Is.EqualTo("go to the red ball"));
        Assert.That(new PickupInstr(green).Surface(env), Is.EqualTo("pick up the green object"));
        Assert.That(new PutNextInstr(redBall, key).Surface(env), Is.EqualTo("put the red ball next to a key"));
        Assert.That(new BeforeInstr(new GoToInstr(key), new PickupInstr(redBall)).Surface(env), Is.EqualTo("go to a key, then pick up the red ball"));
        Assert.That(new AfterInstr(new GoToInstr(key), new PickupInstr(redBall)).Surface(env), Is.EqualTo("go to a key after you pick up the red ball"));
        Assert.That(new AndInstr(new GoToInstr(key), new PickupInstr(redBall)).Surface(env), Is.EqualTo("go to a key and pick up the red ball"));
    }

    [Test]
    public void GrammarRejectsMalformedInstructions()
    {
        Assert.Throws<ArgumentException>(() => new OpenInstr(new ObjDesc(ObjectType.Ball)));
        Assert.Throws<ArgumentException>(() => new PickupInstr(new ObjDesc(ObjectType.Door)));
        Assert.Throws<ArgumentException>(() => new PutNextInstr(new ObjDesc(ObjectType.Door), new ObjDesc(ObjectType.Ball)));
        Assert.Throws<ArgumentException>(() => new ObjDesc(ObjectType.Wall));
        var goTo = new GoToInstr(new ObjDesc(ObjectType.Ball));
        var before = new BeforeInstr(goTo, goTo);
        Assert.Throws<ArgumentException>(() => new AndInstr(before, goTo), "'and' joins clauses only");
        Assert.Throws<ArgumentException>(() => new BeforeInstr(before, goTo), "sequences do not nest");
    }

    [Test]
    public void GoToSucceedsOnAnyActionThatLeavesTheAgentFacingAMatch()
    {
        (ScriptedLevel env, float[] obs) = Start(FourSides, () => new GoToInstr(new ObjDesc(ObjectType.Ball, ObjectColor.Red)));
        Assert.That(Step(env, obs, MiniGridAction.Done).Terminated, Is.False, "ball two cells ahead");
        StepResult result = Step(env, obs, MiniGridAction.Forward);
        Assert.That(result.Terminated, Is.True);
        Assert.That(result.Reward, Is.EqualTo(1.0 - 0.9 * (2.0 / env.MaxSteps)));
    }

    [Test]
    public void PickupSucceedsOnlyWhenTheHandsWereEmptyAndStrictFailsOnAWrongObject()
    {
        void Layout(ScriptedLevel level)
        {
            level.Pose(3, 3, 0);
            level.Put(new Key(ObjectColor.Blue), 4, 3);
            level.Put(new Ball(ObjectColor.Red), 3, 4);
        }

        (ScriptedLevel env, float[] obs) = Start(Layout, () => new PickupInstr(new ObjDesc(ObjectType.Ball)));
        Assert.That(Step(env, obs, MiniGridAction.Pickup).Terminated, Is.False, "picked up the key: not a ball");
        Assert.That(Step(env, obs, MiniGridAction.Right).Terminated, Is.False);
        Assert.That(Step(env, obs, MiniGridAction.Pickup).Terminated, Is.False, "hands full: the ball stays");
        Assert.That(Step(env, obs, MiniGridAction.Left).Terminated, Is.False);
        Assert.That(Step(env, obs, MiniGridAction.Drop).Terminated, Is.False);
        Assert.That(Step(env, obs, MiniGridAction.Right).Terminated, Is.False);
        StepResult result = Step(env, obs, MiniGridAction.Pickup);
        Assert.That((result.Terminated, result.Reward > 0), Is.EqualTo((true, true)));

        (env, obs) = Start(Layout, () => new PickupInstr(new ObjDesc(ObjectType.Ball), strict: true));
        result = Step(env, obs, MiniGridAction.Pickup);
        Assert.That((result.Terminated, result.Reward), Is.EqualTo((true, 0.0)), "strict: the wrong object fails");
    }

    [Test]
    public void PutNextSucceedsWhenTheDropLandsBesideTheFixedObjectNotDiagonally()
    {
        // Key in front of the agent at (4, 3); ball at (5, 5). Carry the key to (5, 4), beside the ball.
        (ScriptedLevel env, float[] obs) = Start(level =>
        {
            level.Pose(3, 3, 0);
            level.Put(new Key(ObjectColor.Blue), 4, 3);
            level.Put(new Ball(ObjectColor.Red), 5, 5);
        }, () => new PutNextInstr(new ObjDesc(ObjectType.Key), new ObjDesc(ObjectType.Ball)));
        Assert.That(env.Instructions.NavigationsNeeded, Is.EqualTo(2));
        Assert.That(env.MaxSteps, Is.EqualTo(2 * 8 * 8));

        Step(env, obs, MiniGridAction.Pickup);
        Step(env, obs, MiniGridAction.Forward);                       // (4, 3), facing (5, 3)
        Assert.That(Step(env, obs, MiniGridAction.Drop).Terminated, Is.False, "(5, 3) is two cells from the ball");
        Step(env, obs, MiniGridAction.Pickup);
        Step(env, obs, MiniGridAction.Right);                         // facing (4, 4): diagonal to the ball
        Assert.That(Step(env, obs, MiniGridAction.Drop).Terminated, Is.False, "diagonal neighbours do not count");
        Step(env, obs, MiniGridAction.Pickup);
        Step(env, obs, MiniGridAction.Left);
        Step(env, obs, MiniGridAction.Forward);                       // (5, 3)
        Step(env, obs, MiniGridAction.Right);                         // facing (5, 4)
        StepResult result = Step(env, obs, MiniGridAction.Drop);
        Assert.That((result.Terminated, result.Reward > 0), Is.EqualTo((true, true)));
    }

    [Test]
    public void OpenSucceedsWhenAToggleOpensAMatchingDoorAndStrictFailsOnAnother()
    {
        void Layout(ScriptedLevel level)
        {
            level.Pose(6, 3, 0);
            level.Put(new Door(ObjectColor.Red), 7, 3);
        }

        (ScriptedLevel env, float[] obs) = Start(Layout, () => new OpenInstr(new ObjDesc(ObjectType.Door, ObjectColor.Red)), numCols: 2);
        StepResult result = Step(env, obs, MiniGridAction.Toggle);
        Assert.That((result.Terminated, result.Reward > 0), Is.EqualTo((true, true)));

        (env, obs) = Start(level =>
        {
            Layout(level);
            level.Put(new Door(ObjectColor.Blue), 7, 5);
        }, () => new OpenInstr(new ObjDesc(ObjectType.Door, ObjectColor.Blue), strict: true), numCols: 2);
        result = Step(env, obs, MiniGridAction.Toggle);
        Assert.That((result.Terminated, result.Reward), Is.EqualTo((true, 0.0)), "strict: opening the red door fails");
    }

    // Agent at (3, 3) facing right; ball in front at (4, 3), key behind at (2, 3).
    private static void BallAheadKeyBehind(ScriptedLevel level)
    {
        level.Pose(3, 3, 0);
        level.Put(new Ball(ObjectColor.Red), 4, 3);
        level.Put(new Key(ObjectColor.Blue), 2, 3);
    }

    private static GoToInstr GoToBall() => new(new ObjDesc(ObjectType.Ball));
    private static GoToInstr GoToKey() => new(new ObjDesc(ObjectType.Key));

    [Test]
    public void BeforeNeedsTheFirstClauseFirst()
    {
        // The agent faces the ball from the start: "go to the key, then go to the ball" is not done by facing the ball.
        (ScriptedLevel env, float[] obs) = Start(BallAheadKeyBehind, () => new BeforeInstr(GoToKey(), GoToBall()));
        Assert.That(Step(env, obs, MiniGridAction.Done).Terminated, Is.False);
        Step(env, obs, MiniGridAction.Left);
        Assert.That(Step(env, obs, MiniGridAction.Left).Terminated, Is.False, "faces the key: first clause done");
        Step(env, obs, MiniGridAction.Right);
        StepResult result = Step(env, obs, MiniGridAction.Right);
        Assert.That((result.Terminated, result.Reward > 0), Is.EqualTo((true, true)));

        (env, obs) = Start(BallAheadKeyBehind, () => new BeforeInstr(GoToKey(), GoToBall(), strict: true));
        result = Step(env, obs, MiniGridAction.Done);
        Assert.That((result.Terminated, result.Reward), Is.EqualTo((true, 0.0)), "strict: the second clause first fails");
    }

    [Test]
    public void BeforeChecksTheSecondClauseOnTheStepTheFirstSucceeds()
    {
        // Both clauses are satisfied by facing the ball: one step completes "go to the ball, then go to the red ball".
        (ScriptedLevel env, float[] obs) = Start(BallAheadKeyBehind,
            () => new BeforeInstr(GoToBall(), new GoToInstr(new ObjDesc(ObjectType.Ball, ObjectColor.Red))));
        StepResult result = Step(env, obs, MiniGridAction.Done);
        Assert.That((result.Terminated, result.Reward > 0), Is.EqualTo((true, true)));
        Assert.That(env.Instructions.NavigationsNeeded, Is.EqualTo(2));
    }

    [Test]
    public void AfterNeedsTheSecondClauseFirst()
    {
        // "go to the key after you go to the ball": facing the ball first, then the key.
        (ScriptedLevel env, float[] obs) = Start(BallAheadKeyBehind, () => new AfterInstr(GoToKey(), GoToBall()));
        Assert.That(Step(env, obs, MiniGridAction.Done).Terminated, Is.False, "ball done");
        Step(env, obs, MiniGridAction.Left);
        StepResult result = Step(env, obs, MiniGridAction.Left);
        Assert.That((result.Terminated, result.Reward > 0), Is.EqualTo((true, true)));

        (env, obs) = Start(BallAheadKeyBehind, () => new AfterInstr(GoToBall(), GoToKey(), strict: true));
        result = Step(env, obs, MiniGridAction.Done);
        Assert.That((result.Terminated, result.Reward), Is.EqualTo((true, 0.0)), "strict: the first clause before the second fails");
    }

    [Test]
    public void AndAcceptsEitherOrderAndRemembersDoneClauses()
    {
        (ScriptedLevel env, float[] obs) = Start(BallAheadKeyBehind, () => new AndInstr(GoToKey(), GoToBall()));
        Assert.That(Step(env, obs, MiniGridAction.Done).Terminated, Is.False, "ball done, key not yet");
        Step(env, obs, MiniGridAction.Left);
        StepResult result = Step(env, obs, MiniGridAction.Left);
        Assert.That((result.Terminated, result.Reward > 0), Is.EqualTo((true, true)));
        Assert.That(env.MaxSteps, Is.EqualTo(2 * 8 * 8));
    }

    [Test]
    public void NavigationsAddUpOverTheInstructionTree()
    {
        var put = new PutNextInstr(new ObjDesc(ObjectType.Ball), new ObjDesc(ObjectType.Key));
        Instr instruction = new AfterInstr(new AndInstr(put, GoToBall()), new OpenInstr(new ObjDesc(ObjectType.Door)));
        Assert.That(instruction.NavigationsNeeded, Is.EqualTo(4));
    }

    [Test]
    public void TheEpisodeTruncatesAtTheComputedLimit()
    {
        (ScriptedLevel env, float[] obs) = Start(BallAheadKeyBehind, GoToKey);
        StepResult last = default;
        // Facing the ball, the agent never faces the key.
        for (int t = 0; t < env.MaxSteps; t++) last = Step(env, obs, MiniGridAction.Forward);
        Assert.That((last.Terminated, last.Truncated, env.StepCount), Is.EqualTo((false, true, 64)));
    }

    /// <summary>
    /// After every drop the tracked positions equal what Python's scan of the grid finds (the port looks the objects
    /// up where they are recorded and scans only when one is not there), through random play with boxes toggled open.
    /// </summary>
    [TestCase("BabyAI-BossLevel-v0")]
    [TestCase("BabyAI-SynthSeq-v0")]
    [TestCase("BabyAI-PutNextLocalS5N3-v0")]
    [TestCase("BabyAI-KeyInBox-v0")]
    public void TrackedPositionsAfterADropMatchAGridScan(string id)
    {
        using var env = (RoomGridLevel)Core.Envs.Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var actions = RlAlign.Core.Random.NumpyGenerator.FromSeed(17);
        ulong seed = 0;
        env.Reset(observation, seed++);
        int drops = 0;
        for (int t = 0; t < 4000; t++)
        {
            var action = (MiniGridAction)actions.Integers(0, 7);
            StepResult result = env.Step([(float)action], observation);
            if (action == MiniGridAction.Drop)
            {
                drops++;
                foreach (ObjDesc description in env.Instructions.Walk().OfType<ActionInstr>().SelectMany(c => c.Descriptions))
                    Assert.That(description.Positions, Is.EquivalentTo(ScanTracked(env, description)), $"step {t}: {description}");
            }
            if (result.Done) env.Reset(observation, seed++);
        }
        Assert.That(drops, Is.GreaterThan(100));
    }

    /// <summary>Python's <c>find_matching_objs(env, use_location=False)</c> positions, by scanning every cell.</summary>
    private static List<(int X, int Y)> ScanTracked(RoomGridLevel env, ObjDesc description)
    {
        var positions = new List<(int X, int Y)>();
        for (int x = 0; x < env.Width; x++)
            for (int y = 0; y < env.Height; y++)
                if (env.Grid.Get(x, y) is { } cell && description.Objects.Any(o => ReferenceEquals(o, cell))
                    && (description.Type is null || cell.Type == description.Type) && (description.Color is null || cell.Color == description.Color))
                    positions.Add((x, y));
        return positions;
    }
}
