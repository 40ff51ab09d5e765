using RlAlign.Core.Tests.TestEnvs;
using System.Text.RegularExpressions;
using NUnit.Framework;
using RlAlign.Envs.MiniGrid;
using RlAlign.Envs.MiniGrid.BabyAI;

namespace RlAlign.Core.Tests.BabyAI;

/// <summary>
/// Every <c>BabyAI-*</c> id of Minigrid 3.1: resets for seeds 0..19, its mission parses back through the BabyAI
/// grammar into the instruction the level holds, resets are deterministic per seed, and the level-specific
/// invariants that follow from the Python source hold.
/// </summary>
[TestFixture]
public sealed partial class BabyAILevelTests
{
    private static IEnumerable<string> BabyAIIds() => Core.Envs.Ids.Where(id => id.StartsWith("BabyAI-", StringComparison.Ordinal));

    private static RoomGridLevel Make(string id, EnvOptions? options = null) => (RoomGridLevel)Core.Envs.Make(id, options);

    [Test]
    public void RegistersMinigrids96BabyAIIdsWithoutTimeLimit()
    {
        string[] ids = BabyAIIds().ToArray();
        Assert.That(ids, Has.Length.EqualTo(96));
        Assert.That(ids, Does.Contain("BabyAI-GoToObjS6-v1").And.Contain("BabyAI-PutNextS7N4Carrying-v0").And.Contain("BabyAI-BossLevelNoUnlock-v0"));
        foreach (string id in ids) Assert.That(Core.Envs.Spec(id).MaxEpisodeSteps, Is.Null, id);
    }

    // ---- The BabyAI grammar, parsed independently of the port's surface code ----

    private const string Desc = @"(?<det>the|a) (?:(?<color>red|green|blue|purple|yellow|grey) )?(?<type>box|ball|key|door|object)(?<loc> on your left| on your right| in front of you| behind you)?";

    [GeneratedRegex("^go to " + Desc + "$")] private static partial Regex GoToPattern();
    [GeneratedRegex("^pick up " + Desc + "$")] private static partial Regex PickupPattern();
    [GeneratedRegex("^open " + Desc + "$")] private static partial Regex OpenPattern();
    [GeneratedRegex("^put (?<move>.+?) next to (?<fixed>.+)$")] private static partial Regex PutNextPattern();
    [GeneratedRegex("^" + Desc + "$")] private static partial Regex DescPattern();

    /// <summary>Parses a mission into a canonical tree string, or throws naming the part that is not BabyAI language.</summary>
    private static string Parse(string mission)
    {
        foreach ((string separator, string kind) in new[] { (", then ", "BEFORE"), (" after you ", "AFTER") })
        {
            string[] parts = mission.Split(separator);
            if (parts.Length == 2) return $"{kind}({ParseAnd(parts[0])}, {ParseAnd(parts[1])})";
            if (parts.Length > 2) throw new FormatException($"'{mission}': more than one '{separator.Trim()}'");
        }
        return ParseAnd(mission);
    }

    private static string ParseAnd(string text)
    {
        string[] parts = text.Split(" and ");
        return parts.Length switch
        {
            1 => ParseClause(parts[0]),
            2 => $"AND({ParseClause(parts[0])}, {ParseClause(parts[1])})",
            _ => throw new FormatException($"'{text}': more than one 'and'"),
        };
    }

    private static string ParseClause(string text)
    {
        Match m;
        if ((m = GoToPattern().Match(text)).Success) return $"GOTO({Canonical(m)})";
        if ((m = PickupPattern().Match(text)).Success && m.Groups["type"].Value != "door") return $"PICKUP({Canonical(m)})";
        if ((m = OpenPattern().Match(text)).Success && m.Groups["type"].Value == "door") return $"OPEN({Canonical(m)})";
        if ((m = PutNextPattern().Match(text)).Success)
        {
            Match move = DescPattern().Match(m.Groups["move"].Value), fixedPart = DescPattern().Match(m.Groups["fixed"].Value);
            if (move.Success && fixedPart.Success && move.Groups["type"].Value != "door")
                return $"PUTNEXT({Canonical(move)}, {Canonical(fixedPart)})";
        }
        throw new FormatException($"'{text}' is not a BabyAI clause");
    }

    private static string Canonical(Match m)
    {
        string loc = m.Groups["loc"].Value switch
        {
            " on your left" => "left",
            " on your right" => "right",
            " in front of you" => "front",
            " behind you" => "behind",
            _ => "-",
        };
        string color = m.Groups["color"].Success ? m.Groups["color"].Value : "-";
        string type = m.Groups["type"].Value == "object" ? "-" : m.Groups["type"].Value;
        return $"{color} {type} {loc}";
    }

    /// <summary>The same canonical tree, from the instruction object.</summary>
    private static string Canonical(Instr instruction) => instruction switch
    {
        BeforeInstr before => $"BEFORE({Canonical(before.First)}, {Canonical(before.Second)})",
        AfterInstr after => $"AFTER({Canonical(after.First)}, {Canonical(after.Second)})",
        AndInstr and => $"AND({Canonical(and.First)}, {Canonical(and.Second)})",
        GoToInstr goTo => $"GOTO({Canonical(goTo.Description)})",
        PickupInstr pickup => $"PICKUP({Canonical(pickup.Description)})",
        OpenInstr open => $"OPEN({Canonical(open.Description)})",
        PutNextInstr putNext => $"PUTNEXT({Canonical(putNext.Move)}, {Canonical(putNext.Fixed)})",
        _ => throw new ArgumentException($"unknown instruction {instruction.GetType().Name}"),
    };

    private static string Canonical(ObjDesc d) => $"{d.Color?.Name() ?? "-"} {d.Type?.Name() ?? "-"} {d.Location?.Name() ?? "-"}";

    [Test]
    public void TheGrammarCheckRejectsNonBabyAIText()
    {
        Assert.That(Parse("go to a key and go to a grey door after you go to a yellow key and go to the green box"),
            Is.EqualTo("AFTER(AND(GOTO(- key -), GOTO(grey door -)), AND(GOTO(yellow key -), GOTO(green box -)))"));
        Assert.Throws<FormatException>(() => Parse("go to the pink ball"));
        Assert.Throws<FormatException>(() => Parse("pick up the red door"));
        Assert.Throws<FormatException>(() => Parse("open the box"));
        Assert.Throws<FormatException>(() => Parse("get to the goal"));
    }

    // ---- Every id ----

    public static IEnumerable<TestCaseData> Ids() => BabyAIIds().Select(id => new TestCaseData(id).SetName("{m}({0})"));

    [TestCaseSource(nameof(Ids))]
    public void ResetsForSeeds0To19WithAGrammaticalDeterministicMission(string id)
    {
        using RoomGridLevel env = Make(id), twin = Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var twinObservation = new float[twin.ObservationSpace.FlatSize];
        for (ulong seed = 0; seed < 20; seed++)
        {
            env.Reset(observation, seed);
            twin.Reset(twinObservation, seed);
            string where = $"{id} seed {seed}";

            Assert.That(env.Mission, Is.Not.Empty, where);
            Assert.That(Parse(env.Mission), Is.EqualTo(Canonical(env.Instructions)), $"{where}: '{env.Mission}'");
            Assert.That(env.MaxSteps, Is.EqualTo(env.Instructions.NavigationsNeeded * env.RoomSize * env.RoomSize * env.NumRows * env.NumCols), where);
            Assert.That(twinObservation, Is.EqualTo(observation), $"{where}: not deterministic");
            Assert.That(RlAlign.Envs.MiniGrid.Conformance.MiniGridTraceReplayer.EncodeGrid(twin),
                Is.EqualTo(RlAlign.Envs.MiniGrid.Conformance.MiniGridTraceReplayer.EncodeGrid(env)), $"{where}: grid not deterministic");
            Assert.That(twin.Generator!.State, Is.EqualTo(env.Generator!.State), where);
            CheckInvariants(id, env, where);
        }
    }

    [TestCaseSource(nameof(Ids))]
    public void StepAllocatesNothing(string id)
    {
        using RoomGridLevel env = Make(id);
        // The first steps JIT-compile; resets (new layout and instruction) may allocate.
        Assert.That(StepAllocations.Measure(env, steps: 1800, warmUpSteps: 200), Is.Zero);
    }

    private static IEnumerable<WorldObject> Objects(RoomGridLevel env)
    {
        for (int x = 0; x < env.Width; x++)
            for (int y = 0; y < env.Height; y++)
                if (env.Grid.Get(x, y) is { Type: not ObjectType.Wall } value) yield return value;
    }

    private static int Pickables(RoomGridLevel env) => Objects(env).Count(o => o.Type is ObjectType.Key or ObjectType.Ball or ObjectType.Box);

    private static IEnumerable<Door> Doors(RoomGridLevel env) => Objects(env).OfType<Door>();

    /// <summary>What the Python source guarantees about each level family.</summary>
    private static void CheckInvariants(string id, RoomGridLevel env, string where)
    {
        string name = id["BabyAI-".Length..id.LastIndexOf('-')];
        string mission = env.Mission;
        Instr instruction = env.Instructions;
        switch (name)
        {
            case "GoToRedBallGrey":
                Assert.That(mission, Is.EqualTo("go to the red ball"), where);
                Assert.That(Objects(env).Count(o => o.Color != ObjectColor.Grey), Is.EqualTo(1), $"{where}: only the red ball has a colour");
                break;
            case "GoToRedBall":
                Assert.That(mission, Is.AnyOf("go to the red ball", "go to a red ball"), where);
                Assert.That(Pickables(env), Is.EqualTo(8), where);
                break;
            case "GoToRedBallNoDists":
                Assert.That(mission, Is.EqualTo("go to the red ball"), where);
                Assert.That(Pickables(env), Is.EqualTo(1), where);
                break;
            case "GoToObj" or "GoToObjS4" or "GoToObjS6":
                Assert.That(Pickables(env), Is.EqualTo(1), where);
                Assert.That(mission, Does.StartWith("go to the "), where);
                break;
            case "GoToRedBlueBall":
                Assert.That(Objects(env).Count(o => o.Type == ObjectType.Ball && o.Color is ObjectColor.Red or ObjectColor.Blue), Is.EqualTo(1), where);
                Assert.That(mission, Is.AnyOf("go to the red ball", "go to the blue ball"), where);
                break;
            case "GoToDoor":
                Assert.That(instruction, Is.TypeOf<GoToInstr>(), where);
                Assert.That(((GoToInstr)instruction).Description.Type, Is.EqualTo(ObjectType.Door), where);
                break;
            case "GoToOpen" or "GoToObjMazeOpen":
                Assert.That(Doors(env).All(d => d.IsOpen), Is.True, $"{where}: doors_open");
                break;
            case "GoToImpUnlock":
                Assert.That(Doors(env).Count(d => d.IsLocked), Is.EqualTo(1), where);
                break;
            case "OpenRedDoor":
                Assert.That(mission, Is.EqualTo("open the red door"), where);
                break;
            case "OpenDoorColor":
                Assert.That(mission, Does.Match("^open the (red|green|blue|purple|yellow|grey) door$"), where);
                break;
            case "OpenDoorLoc":
                Assert.That(mission, Does.Match("^open (the|a) door (on your left|on your right|in front of you|behind you)$"), where);
                break;
            case "OpenRedBlueDoors" or "OpenRedBlueDoorsDebug":
                Assert.That(mission, Is.EqualTo("open the red door, then open the blue door"), where);
                break;
            case "OpenTwoDoors":
                Assert.That(mission, Does.Match("^open the [a-z]+ door, then open the [a-z]+ door$"), where);
                break;
            case "PickupDist" or "PickupDistDebug":
                Assert.That(Pickables(env), Is.EqualTo(5), where);
                Assert.That(instruction, Is.TypeOf<PickupInstr>(), where);
                break;
            case "PutNextLocal" or "PutNextLocalS5N3" or "PutNextLocalS6N4":
                var distinct = Objects(env).Select(o => (o.Type, o.Color)).ToArray();
                Assert.That(distinct.Distinct().Count(), Is.EqualTo(distinct.Length), $"{where}: all objects differ");
                Assert.That(mission, Does.Match("^put the [a-z]+ [a-z]+ next to the [a-z]+ [a-z]+$"), where);
                break;
            case "Unlock":
                Assert.That(instruction, Is.TypeOf<OpenInstr>(), where);
                var target = (OpenInstr)instruction;
                Assert.That(Doors(env).Any(d => d.IsLocked && d.Color == target.Description.Color), Is.True, $"{where}: the door to open is locked");
                break;
            case "UnlockLocal" or "UnlockLocalDist" or "KeyInBox":
                Assert.That(mission, Is.EqualTo("open the door"), where);
                break;
            case "UnlockPickup" or "UnlockPickupDist":
                Assert.That(mission, Does.Match("^pick up the [a-z]+ box$"), where);
                break;
            case "BlockedUnlockPickup":
                Assert.That(mission, Is.EqualTo("pick up the box"), where);
                break;
            case "UnlockToUnlock":
                Assert.That(mission, Is.EqualTo("pick up the ball"), where);
                Assert.That(Doors(env).Count(d => d.IsLocked), Is.EqualTo(2), where);
                break;
            case "OneRoomS8" or "OneRoomS12" or "OneRoomS16" or "OneRoomS20":
                Assert.That(mission, Is.EqualTo("pick up the ball"), where);
                break;
            case "MoveTwoAcrossS5N2" or "MoveTwoAcrossS8N9":
                Assert.That(Canonical(instruction), Does.StartWith("BEFORE(PUTNEXT("), where);
                break;
            case "Synth" or "SynthS5R2" or "SynthLoc":
                Assert.That(instruction, Is.InstanceOf<ActionInstr>(), $"{where}: one clause");
                break;
            case "BossLevelNoUnlock":
                Assert.That(Doors(env).Any(d => d.IsLocked), Is.False, where);
                break;
        }
        if (name.StartsWith("KeyCorridor", StringComparison.Ordinal)) Assert.That(mission, Is.EqualTo("pick up the ball"), where);
        if (name.StartsWith("FindObj", StringComparison.Ordinal))
        {
            Assert.That(Pickables(env), Is.EqualTo(1), where);
            Assert.That(mission, Does.Match("^pick up the (key|ball|box)$"), where);
        }
        if (name.StartsWith("GoToLocal", StringComparison.Ordinal))
        {
            Match size = Regex.Match(name, @"S(\d+)N(\d+)");
            Assert.That(Pickables(env), Is.EqualTo(size.Success ? int.Parse(size.Groups[2].Value) : 8), where);
            Assert.That(instruction, Is.TypeOf<GoToInstr>(), where);
        }
        if (name.StartsWith("GoToSeq", StringComparison.Ordinal))
            Assert.That(instruction.Walk().OfType<ActionInstr>().All(c => c is GoToInstr), Is.True, $"{where}: go-to clauses only");
        if (name.StartsWith("PickupLoc", StringComparison.Ordinal))
            Assert.That(instruction, Is.TypeOf<PickupInstr>(), where);
        if (name.StartsWith("PutNextS", StringComparison.Ordinal))
        {
            Assert.That(instruction, Is.TypeOf<PutNextInstr>(), where);
            bool carrying = name.EndsWith("Carrying", StringComparison.Ordinal);
            Assert.That(env.Carrying is not null, Is.EqualTo(carrying), $"{where}: start_carrying");
            if (carrying) Assert.That(((PutNextInstr)instruction).Move.Objects, Does.Contain(env.Carrying), $"{where}: carries the object to move");
        }
        WorldObject? start = env.Grid.Get(env.AgentPosition.X, env.AgentPosition.Y);
        Assert.That(start, Is.Null, $"{where}: the agent starts on an empty cell");

        // Levels whose gen_mission ends with check_objs_reachable() (after the last object is placed), and the one that demands the opposite.
        if (name is "GoToRedBallGrey" or "GoToRedBall" or "GoToRedBlueBall" or "GoToObjDoor" or "Open" or "Pickup" or "Unlock"
            || Regex.IsMatch(name, "^(GoToLocal|GoToObjMaze|PutNextLocal)") || name is "GoTo" or "GoToOpen")
            Assert.That(UnreachableObjects(env), Is.Empty, $"{where}: every object is reachable");
        if (name == "UnblockPickup")
            Assert.That(UnreachableObjects(env), Is.Not.Empty, $"{where}: some object blocks a path");

        if (env is LevelGen generator)
        {
            ObjectColor[] lockedColors = Doors(env).Where(d => d.IsLocked).Select(d => d.Color).ToArray();
            foreach (ObjectColor color in lockedColors)
                Assert.That(Objects(env).Any(o => o is Key && o.Color == color), Is.True, $"{where}: the locked door's key exists");
            var clauses = instruction.Walk().OfType<ActionInstr>().ToArray();
            if (generator.Settings.Unblocking)
                Assert.That(clauses.SelectMany(c => c.Descriptions).Any(d => d.Type == ObjectType.Key && d.Color is { } c && lockedColors.Contains(c)),
                    Is.False, $"{where}: no clause names a key that opens a locked door");
            else
                Assert.That(UnreachableObjects(env), Is.Empty, $"{where}: without unblocking every object is reachable");
            Assert.That(clauses.All(c => generator.Settings.ActionKinds.Contains(c switch
            {
                GoToInstr => ActionKind.GoTo,
                PickupInstr => ActionKind.Pickup,
                OpenInstr => ActionKind.Open,
                _ => ActionKind.PutNext,
            })), Is.True, $"{where}: only the configured clause kinds");
            if (!generator.Settings.Locations)
                Assert.That(clauses.SelectMany(c => c.Descriptions).All(d => d.Location is null), Is.True, $"{where}: no locations");
        }
    }

    /// <summary>Objects that cannot be reached from the agent through empty cells and doors (Python's <c>check_objs_reachable</c>).</summary>
    private static List<(int X, int Y)> UnreachableObjects(RoomGridLevel env)
    {
        var reached = new HashSet<(int X, int Y)>();
        var stack = new Stack<(int X, int Y)>([env.AgentPosition]);
        while (stack.Count > 0)
        {
            (int x, int y) = stack.Pop();
            if (x < 0 || y < 0 || x >= env.Width || y >= env.Height || !reached.Add((x, y))) continue;
            if (env.Grid.Get(x, y) is { Type: not ObjectType.Door }) continue;
            foreach ((int dx, int dy) in new[] { (1, 0), (-1, 0), (0, 1), (0, -1) }) stack.Push((x + dx, y + dy));
        }
        var unreachable = new List<(int X, int Y)>();
        for (int x = 0; x < env.Width; x++)
            for (int y = 0; y < env.Height; y++)
                if (env.Grid.Get(x, y) is { Type: not ObjectType.Wall } && !reached.Contains((x, y))) unreachable.Add((x, y));
        return unreachable;
    }

    // ---- Bad input ----

    [Test]
    public void AnIdWithAnInvalidVariantSuggestsTheRegisteredOnes()
    {
        var e = Assert.Throws<UnknownEnvException>(() => Core.Envs.Make("BabyAI-GoToLocalS9N9-v0"));
        Assert.That(e!.Suggestions, Is.Not.Empty);
        Assert.That(e.Suggestions.All(s => s.StartsWith("BabyAI-GoToLocal", StringComparison.Ordinal)), Is.True, string.Join(", ", e.Suggestions));
    }

    [TestCase("BabyAI-OpenTwoDoors-v0", "first_color", "pink", "red")]
    [TestCase("BabyAI-OpenDoor-v0", "select_by", "size", "color")]
    [TestCase("BabyAI-KeyCorridor-v0", "obj_type", "door", "ball")]
    [TestCase("BabyAI-OpenDoorsOrderN2-v0", "num_doors", 7, "2..4")]
    [TestCase("BabyAI-PutNextS4N1-v0", "objs_per_room", 10, "1..9")]
    [TestCase("BabyAI-GoToLocal-v0", "room_size", 2, "at least 3")]
    [TestCase("BabyAI-BossLevel-v0", "action_kinds", "goto,fly", "putnext")]
    [TestCase("BabyAI-BossLevel-v0", "locked_room_prob", 1.5, "[0, 1]")]
    [TestCase("BabyAI-GoToSeq-v0", "locations", true, "fixed by this level")]
    public void InvalidOptionsNameTheOptionAndWhatItExpects(string id, string option, object value, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Core.Envs.Make(id, new EnvOptions { [option] = value }));
        Assert.That(e!.Message, Does.Contain($"'{option}'").And.Contain(expected));
    }

    [Test]
    public void OptionsNoLevelCanSatisfyFailInsteadOfRedrawingForever()
    {
        // Pickup clauses need keys, balls or boxes; with no distractors and no locked room there are none.
        using RoomGridLevel env = Make("BabyAI-BossLevel-v0", new EnvOptions
        {
            ["num_dists"] = 0, ["locked_room_prob"] = 0.0, ["action_kinds"] = "pickup", ["instr_kinds"] = "action",
            ["room_size"] = 4, ["num_rows"] = 1, ["num_cols"] = 1,
        });
        var observation = new float[env.ObservationSpace.FlatSize];
        var e = Assert.Throws<InvalidOperationException>(() => env.Reset(observation, 0));
        Assert.That(e!.Message, Does.Contain($"{RoomGridLevel.MaxGenerationAttempts} draws").And.Contain("suitable object"));
    }

    [Test]
    public void AnExplicitMaxStepsOptionFixesTheLimitOverTheInstructionsOne()
    {
        using RoomGridLevel env = Make("BabyAI-BossLevel-v0", new EnvOptions { ["max_steps"] = 50 });
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, 0);
        Assert.That(env.MaxSteps, Is.EqualTo(50));
    }

    [Test]
    public void RejectedGenerationsAreRedrawnFromTheSameGenerator()
    {
        // GoToSeq seed 1 is rejected 8 times in Python (its trace records rejection_sampling_retries = 8).
        using RoomGridLevel env = Make("BabyAI-GoToSeq-v0");
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, 1);
        Assert.That((env.RejectionSamplingRetries, env.Mission), Is.EqualTo((8, "go to a red door and go to a purple door")));
    }

    [TestCase("BabyAI-GoToLocal-v0", "FullyObs, FlatObs")]
    [TestCase("BabyAI-BossLevel-v0", "RGBImgPartialObs, ImgObs")]
    [TestCase("BabyAI-PutNextLocal-v0", "OneHotPartialObs")]
    public void MinigridWrappersWrapBabyAILevels(string id, string wrappers)
    {
        using IEnv env = Core.Envs.Make(id, new EnvOptions { ["wrappers"] = wrappers });
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed: 4);
        Assert.That(env.ObservationSpace.Contains(observation), Is.True);
        for (int t = 0; t < 20; t++)
        {
            env.Step([t % 3], observation);
            Assert.That(env.ObservationSpace.Contains(observation), Is.True, $"step {t}");
        }
        Assert.That(env.Unwrapped, Is.InstanceOf<RoomGridLevel>());
    }

    [Test]
    public void TheLongestMissionsFitTheObservation()
    {
        // Two 'and's of located put-next clauses joined by 'after you' reach 305 characters.
        string desc = "a purple ball in front of you";
        string put = $"put {desc} next to {desc}";
        string longest = $"{put} and {put} after you {put} and {put}";
        Assert.That(longest, Has.Length.EqualTo(305));
        Assert.That(RoomGridLevel.BabyAIMissionMaxLength, Is.GreaterThanOrEqualTo(longest.Length));
    }
}
