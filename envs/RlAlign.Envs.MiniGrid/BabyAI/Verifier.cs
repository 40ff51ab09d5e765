using System.Text;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>Where an object lies relative to the agent's pose when the mission is generated (Python's <c>LOC_NAMES</c>).</summary>
public enum ObjectLocation
{
    Left,
    Right,
    Front,
    Behind,
}

/// <summary>What an instruction's verifier says after a step (Python returns these as strings).</summary>
public enum InstrStatus
{
    Continue,
    Success,
    Failure,
}

/// <summary>The BabyAI language's word lists, in Python's order (random draws index into them).</summary>
public static class BabyAIVocabulary
{
    /// <summary><c>OBJ_TYPES</c>: the kinds an instruction may name.</summary>
    public static IReadOnlyList<ObjectType> ObjectTypes { get; } = [ObjectType.Box, ObjectType.Ball, ObjectType.Key, ObjectType.Door];

    /// <summary><c>OBJ_TYPES_NOT_DOOR</c>.</summary>
    public static IReadOnlyList<ObjectType> ObjectTypesNotDoor { get; } = [ObjectType.Box, ObjectType.Ball, ObjectType.Key];

    /// <summary><c>LOC_NAMES</c>.</summary>
    public static IReadOnlyList<ObjectLocation> Locations { get; } = [ObjectLocation.Left, ObjectLocation.Right, ObjectLocation.Front, ObjectLocation.Behind];

    public static string Name(this ObjectLocation location) => location switch
    {
        ObjectLocation.Left => "left",
        ObjectLocation.Right => "right",
        ObjectLocation.Front => "front",
        _ => "behind",
    };
}

/// <summary>
/// Python's <c>ObjDesc</c>: a description (kind, colour, location, each optional) of the objects an instruction
/// refers to, with the objects it matched and their positions.
/// </summary>
public sealed class ObjDesc
{
    private static readonly (int X, int Y)[] DirectionVectors = [(1, 0), (0, 1), (-1, 0), (0, -1)];

    public ObjDesc(ObjectType? type, ObjectColor? color = null, ObjectLocation? location = null)
    {
        if (type is { } kind && !BabyAIVocabulary.ObjectTypes.Contains(kind))
            throw new ArgumentException($"An object description names a box, ball, key or door (or no kind), got {kind.Name()}.", nameof(type));
        Type = type;
        Color = color;
        Location = location;
    }

    public ObjectType? Type { get; }
    public ObjectColor? Color { get; }
    public ObjectLocation? Location { get; }

    /// <summary>The objects that may match (Python's <c>obj_set</c>), in the grid's x-then-y scan order.</summary>
    public List<WorldObject> Objects { get; } = [];

    /// <summary>Where the tracked objects are (Python's <c>obj_poss</c>); refreshed when something is dropped.</summary>
    public List<(int X, int Y)> Positions { get; } = [];

    /// <summary>
    /// <c>surface</c>: "the red ball", "a key on your left", "the door in front of you"… ("a" when several
    /// objects match). Re-matches the objects against the agent's current pose, as Python does.
    /// </summary>
    public string Surface(RoomGridEnv env) => AppendSurface(env, new StringBuilder()).ToString();

    /// <summary><see cref="Surface(RoomGridEnv)"/> appended to <paramref name="text"/> (levels build their mission this way, without intermediate strings).</summary>
    public StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text)
    {
        FindMatchingObjects(env);
        if (Objects.Count == 0)
            throw new InvalidOperationException($"No object in the level matches the description '{this}'.");
        text.Append(Objects.Count > 1 ? "a " : "the ");
        if (Color is { } color) text.Append(color.Name()).Append(' ');
        text.Append(Type is { } kind ? kind.Name() : "object");
        return Location switch
        {
            ObjectLocation.Front => text.Append(" in front of you"),
            ObjectLocation.Behind => text.Append(" behind you"),
            { } side => text.Append(" on your ").Append(side.Name()),
            null => text,
        };
    }

    /// <summary>
    /// <c>find_matching_objs</c>: every grid cell (x, then y) whose object has the kind and colour, and — with
    /// <paramref name="useLocation"/> and a location — lies in the agent's room on that side of the agent
    /// (left/right across its heading, front/behind along it). Without <paramref name="useLocation"/> the set
    /// of objects is kept and only the positions of those still on the grid are refreshed.
    /// </summary>
    public void FindMatchingObjects(RoomGridEnv env, bool useLocation = true)
    {
        if (!useLocation && TryUpdateTrackedPositions(env)) return;
        if (useLocation) Objects.Clear();
        Positions.Clear();
        // Only locations need the room (and a restored env has its grid but may not have built its rooms).
        Room? agentRoom = useLocation && Location is not null ? env.RoomFromPosition(env.AgentPosition.X, env.AgentPosition.Y) : null;
        Grid grid = env.Grid;
        for (int i = 0; i < grid.Width; i++)
        {
            for (int j = 0; j < grid.Height; j++)
            {
                WorldObject? cell = grid.Get(i, j);
                if (cell is null) continue;
                if (!useLocation && !ContainsReference(Objects, cell)) continue;
                if (Type is { } kind && cell.Type != kind) continue;
                if (Color is { } color && cell.Color != color) continue;
                if (useLocation && Location is { } location)
                {
                    // Locations only describe objects in the room the agent is in.
                    if (!agentRoom!.Contains(i, j)) continue;
                    (int vx, int vy) = (i - env.AgentPosition.X, j - env.AgentPosition.Y);
                    (int d1x, int d1y) = DirectionVectors[env.AgentDirection];
                    (int d2x, int d2y) = (-d1y, d1x);
                    int across = vx * d2x + vy * d2y, along = vx * d1x + vy * d1y;
                    bool matches = location switch
                    {
                        ObjectLocation.Left => across < 0,
                        ObjectLocation.Right => across > 0,
                        ObjectLocation.Front => along > 0,
                        _ => along < 0,
                    };
                    if (!matches) continue;
                }
                if (useLocation) Objects.Add(cell);
                Positions.Add((i, j));
            }
        }
    }

    /// <summary>
    /// The same positions as Python's grid scan without location (which runs after every drop), found from the
    /// tracked objects themselves: each is carried (off the grid) or at its recorded position. False, with nothing
    /// changed, when an object is elsewhere (a box's content or a cell set directly has no recorded position): then
    /// only the scan can tell.
    /// </summary>
    private bool TryUpdateTrackedPositions(RoomGridEnv env)
    {
        foreach (WorldObject value in Objects)
        {
            if (ReferenceEquals(value, env.Carrying)) continue;
            (int x, int y) = value.CurrentPosition;
            if (x < 0 || y < 0 || x >= env.Width || y >= env.Height || !ReferenceEquals(env.Grid.Get(x, y), value)) return false;
        }
        Positions.Clear();
        foreach (WorldObject value in Objects)
        {
            if (ReferenceEquals(value, env.Carrying)) continue;
            if (Type is { } kind && value.Type != kind) continue;
            if (Color is { } color && value.Color != color) continue;
            Positions.Add(value.CurrentPosition);
        }
        return true;
    }

    internal void Write(BinaryWriter writer, Action<BinaryWriter, WorldObject?> writeReference)
    {
        writer.Write(Type is { } type ? (byte)type : byte.MaxValue);
        writer.Write(Color is { } color ? (byte)color : byte.MaxValue);
        writer.Write(Location is { } location ? (byte)location : byte.MaxValue);
        writer.Write(Objects.Count);
        foreach (WorldObject value in Objects) writeReference(writer, value);
        writer.Write(Positions.Count);
        foreach ((int x, int y) in Positions)
        {
            writer.Write(x);
            writer.Write(y);
        }
    }

    internal static ObjDesc Read(BinaryReader reader, Func<BinaryReader, WorldObject?> readReference)
    {
        byte type = reader.ReadByte(), color = reader.ReadByte(), location = reader.ReadByte();
        var description = new ObjDesc(type == byte.MaxValue ? null : (ObjectType)type, color == byte.MaxValue ? null : (ObjectColor)color,
            location == byte.MaxValue ? null : (ObjectLocation)location);
        int objects = reader.ReadInt32();
        for (int k = 0; k < objects; k++)
            description.Objects.Add(readReference(reader) ?? throw new InvalidDataException("A saved object description refers to no object."));
        int positions = reader.ReadInt32();
        for (int k = 0; k < positions; k++) description.Positions.Add((reader.ReadInt32(), reader.ReadInt32()));
        return description;
    }

    internal static bool ContainsReference(List<WorldObject> objects, WorldObject value)
    {
        foreach (WorldObject candidate in objects)
            if (ReferenceEquals(candidate, value)) return true;
        return false;
    }

    /// <summary>Python's <c>repr</c>: "red ball None".</summary>
    public override string ToString() => $"{Color?.Name() ?? "None"} {Type?.Name() ?? "None"} {Location?.Name() ?? "None"}";
}

/// <summary>
/// Python's <c>Instr</c>: a BabyAI instruction. <see cref="Surface"/> renders it in the BabyAI language;
/// <see cref="ResetVerifier"/> binds it to the episode and <see cref="Verify"/> judges every step.
/// </summary>
public abstract class Instr
{
    private RoomGridEnv? _env;

    /// <summary>The env this instruction was last reset for.</summary>
    protected RoomGridEnv Env => _env ?? throw new InvalidOperationException("Call ResetVerifier before Verify.");

    /// <summary>The instruction in the BabyAI language (Python's <c>surface</c>): "go to the red ball, then open a door".</summary>
    public string Surface(RoomGridEnv env) => AppendSurface(env, new StringBuilder()).ToString();

    /// <summary><see cref="Surface"/> appended to <paramref name="text"/>: a level renders its mission into one reused buffer.</summary>
    public abstract StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text);

    /// <summary>Must be called at the start of every episode (Python's <c>reset_verifier</c>).</summary>
    public virtual void ResetVerifier(RoomGridEnv env) => _env = env;

    /// <summary>Whether the task is done (success), failed, or goes on, after the agent took <paramref name="action"/>.</summary>
    public abstract InstrStatus Verify(MiniGridAction action);

    /// <summary><c>num_navs_needed</c>: how many navigations the instruction takes (sets <c>max_steps</c>).</summary>
    public abstract int NavigationsNeeded { get; }

    /// <summary><c>update_objs_poss</c>: refreshes the tracked objects' positions (after a drop).</summary>
    public abstract void UpdateObjectPositions();

    /// <summary>The instruction and every clause below it, depth first, a before b.</summary>
    public abstract IEnumerable<Instr> Walk();

    // Saved state: a tag, then the instruction's settings, descriptions (objects by reference) and verifier progress.
    private enum Tag : byte { GoTo, Open, Pickup, PutNext, Before, After, And }

    /// <summary>Writes the instruction and its verifier's progress; objects go through <paramref name="writeReference"/>.</summary>
    internal void Write(BinaryWriter writer, Action<BinaryWriter, WorldObject?> writeReference)
    {
        switch (this)
        {
            case GoToInstr goTo:
                writer.Write((byte)Tag.GoTo);
                goTo.Description.Write(writer, writeReference);
                break;
            case OpenInstr open:
                writer.Write((byte)Tag.Open);
                writer.Write(open.Strict);
                open.Description.Write(writer, writeReference);
                break;
            case PickupInstr pickup:
                writer.Write((byte)Tag.Pickup);
                writer.Write(pickup.Strict);
                pickup.Description.Write(writer, writeReference);
                writeReference(writer, pickup.PreviouslyCarried);
                break;
            case PutNextInstr putNext:
                writer.Write((byte)Tag.PutNext);
                writer.Write(putNext.Strict);
                putNext.Move.Write(writer, writeReference);
                putNext.Fixed.Write(writer, writeReference);
                writeReference(writer, putNext.PreviouslyCarried);
                break;
            case SeqInstr sequence:
                writer.Write((byte)(sequence switch { BeforeInstr => Tag.Before, AfterInstr => Tag.After, _ => Tag.And }));
                writer.Write(sequence.Strict);
                writer.Write((byte)sequence.FirstDone);
                writer.Write((byte)sequence.SecondDone);
                sequence.First.Write(writer, writeReference);
                sequence.Second.Write(writer, writeReference);
                break;
            default:
                throw new NotSupportedException($"Cannot save a {GetType().Name}.");
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote and binds the instruction to <paramref name="env"/>.</summary>
    internal static Instr Read(BinaryReader reader, Func<BinaryReader, WorldObject?> readReference, RoomGridEnv env)
    {
        Instr instruction;
        var tag = (Tag)reader.ReadByte();
        switch (tag)
        {
            case Tag.GoTo:
                instruction = new GoToInstr(ObjDesc.Read(reader, readReference));
                break;
            case Tag.Open:
            {
                bool strict = reader.ReadBoolean();
                instruction = new OpenInstr(ObjDesc.Read(reader, readReference), strict);
                break;
            }
            case Tag.Pickup:
            {
                bool strict = reader.ReadBoolean();
                instruction = new PickupInstr(ObjDesc.Read(reader, readReference), strict) { PreviouslyCarried = readReference(reader) };
                break;
            }
            case Tag.PutNext:
            {
                bool strict = reader.ReadBoolean();
                ObjDesc move = ObjDesc.Read(reader, readReference);
                instruction = new PutNextInstr(move, ObjDesc.Read(reader, readReference), strict) { PreviouslyCarried = readReference(reader) };
                break;
            }
            case Tag.Before or Tag.After or Tag.And:
            {
                bool strict = reader.ReadBoolean();
                var firstDone = (InstrStatus)reader.ReadByte();
                var secondDone = (InstrStatus)reader.ReadByte();
                Instr first = Read(reader, readReference, env), second = Read(reader, readReference, env);
                SeqInstr sequence = tag switch
                {
                    Tag.Before => new BeforeInstr(first, second, strict),
                    Tag.After => new AfterInstr(first, second, strict),
                    _ => new AndInstr(first, second, strict),
                };
                sequence.FirstDone = firstDone;
                sequence.SecondDone = secondDone;
                instruction = sequence;
                break;
            }
            default:
                throw new InvalidDataException($"Unknown instruction tag {(byte)tag} in saved state.");
        }
        instruction._env = env;
        return instruction;
    }
}

/// <summary>Python's <c>ActionInstr</c>: a single clause (go to, open, pick up, put next to).</summary>
/// <remarks>Minigrid's opt-in <c>BABYAI_DONE_ACTIONS</c> mode (success only on <c>done</c>) is not ported.</remarks>
public abstract class ActionInstr : Instr
{
    /// <summary>The object descriptions the clause refers to.</summary>
    public abstract IReadOnlyList<ObjDesc> Descriptions { get; }

    public override InstrStatus Verify(MiniGridAction action) => VerifyAction(action);

    protected abstract InstrStatus VerifyAction(MiniGridAction action);

    public override int NavigationsNeeded => 1;

    public override void UpdateObjectPositions()
    {
        IReadOnlyList<ObjDesc> descriptions = Descriptions;
        for (int k = 0; k < descriptions.Count; k++) descriptions[k].FindMatchingObjects(Env, useLocation: false);
    }

    public override IEnumerable<Instr> Walk() => [this];
}

/// <summary>"open the red door": succeeds when a toggle leaves a matching door in front of the agent open.</summary>
public sealed class OpenInstr : ActionInstr
{
    public OpenInstr(ObjDesc description, bool strict = false)
    {
        if (description.Type != ObjectType.Door)
            throw new ArgumentException($"'open' takes a door description, got '{description}'.", nameof(description));
        Description = description;
        Strict = strict;
        _descriptions = [description];
    }

    public ObjDesc Description { get; }

    /// <summary>Opening any other door fails the episode.</summary>
    public bool Strict { get; }

    public override IReadOnlyList<ObjDesc> Descriptions => _descriptions;
    private readonly ObjDesc[] _descriptions;

    public override StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text) => Description.AppendSurface(env, text.Append("open "));

    public override void ResetVerifier(RoomGridEnv env)
    {
        base.ResetVerifier(env);
        Description.FindMatchingObjects(env);
    }

    protected override InstrStatus VerifyAction(MiniGridAction action)
    {
        if (action != MiniGridAction.Toggle) return InstrStatus.Continue;
        WorldObject? front = Env.Grid.Get(Env.FrontPosition.X, Env.FrontPosition.Y);
        if (front is Door { IsOpen: true } && ObjDesc.ContainsReference(Description.Objects, front)) return InstrStatus.Success;
        if (Strict && front is Door) return InstrStatus.Failure;
        return InstrStatus.Continue;
    }
}

/// <summary>"go to the red ball": succeeds whenever the agent faces a matching object (any action).</summary>
public sealed class GoToInstr(ObjDesc description) : ActionInstr
{
    private readonly ObjDesc[] _descriptions = [description];

    public ObjDesc Description { get; } = description;

    public override IReadOnlyList<ObjDesc> Descriptions => _descriptions;

    public override StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text) => Description.AppendSurface(env, text.Append("go to "));

    public override void ResetVerifier(RoomGridEnv env)
    {
        base.ResetVerifier(env);
        Description.FindMatchingObjects(env);
    }

    protected override InstrStatus VerifyAction(MiniGridAction action)
    {
        (int X, int Y) front = Env.FrontPosition;
        foreach ((int X, int Y) position in Description.Positions)
            if (position == front) return InstrStatus.Success;
        return InstrStatus.Continue;
    }
}

/// <summary>"pick up the blue key": succeeds when a pickup, with empty hands before, leaves a matching object carried.</summary>
public sealed class PickupInstr : ActionInstr
{

    public PickupInstr(ObjDesc description, bool strict = false)
    {
        if (description.Type == ObjectType.Door)
            throw new ArgumentException("'pick up' cannot take a door description.", nameof(description));
        Description = description;
        Strict = strict;
        _descriptions = [description];
    }

    public ObjDesc Description { get; }

    /// <summary>Picking up any other object fails the episode.</summary>
    public bool Strict { get; }

    /// <summary>What the agent carried after the previous step (Python's <c>preCarrying</c>).</summary>
    internal WorldObject? PreviouslyCarried { get; set; }

    public override IReadOnlyList<ObjDesc> Descriptions => _descriptions;
    private readonly ObjDesc[] _descriptions;

    public override StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text) => Description.AppendSurface(env, text.Append("pick up "));

    public override void ResetVerifier(RoomGridEnv env)
    {
        base.ResetVerifier(env);
        PreviouslyCarried = null;
        Description.FindMatchingObjects(env);
    }

    protected override InstrStatus VerifyAction(MiniGridAction action)
    {
        WorldObject? before = PreviouslyCarried;
        WorldObject? carrying = Env.Carrying;
        PreviouslyCarried = carrying;
        if (action != MiniGridAction.Pickup) return InstrStatus.Continue;
        if (before is null && carrying is not null && ObjDesc.ContainsReference(Description.Objects, carrying)) return InstrStatus.Success;
        if (Strict && carrying is not null) return InstrStatus.Failure;
        return InstrStatus.Continue;
    }
}

/// <summary>
/// "put the red ball next to the blue key": succeeds when a drop leaves the object carried before it
/// (a match of the first description) beside a position of the second (sides only, not diagonals).
/// </summary>
public sealed class PutNextInstr : ActionInstr
{

    public PutNextInstr(ObjDesc move, ObjDesc fixedDescription, bool strict = false)
    {
        if (move.Type == ObjectType.Door)
            throw new ArgumentException("'put … next to' cannot move a door.", nameof(move));
        Move = move;
        Fixed = fixedDescription;
        Strict = strict;
        _descriptions = [move, fixedDescription];
    }

    /// <summary>Python's <c>desc_move</c>.</summary>
    public ObjDesc Move { get; }

    /// <summary>Python's <c>desc_fixed</c>.</summary>
    public ObjDesc Fixed { get; }

    /// <summary>Picking up anything fails the episode (Python's strict mode).</summary>
    public bool Strict { get; }

    /// <summary>What the agent carried after the previous step (Python's <c>preCarrying</c>).</summary>
    internal WorldObject? PreviouslyCarried { get; set; }

    public override IReadOnlyList<ObjDesc> Descriptions => _descriptions;
    private readonly ObjDesc[] _descriptions;

    public override int NavigationsNeeded => 2;

    public override StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text)
        => Fixed.AppendSurface(env, Move.AppendSurface(env, text.Append("put ")).Append(" next to "));

    public override void ResetVerifier(RoomGridEnv env)
    {
        base.ResetVerifier(env);
        PreviouslyCarried = null;
        Move.FindMatchingObjects(env);
        Fixed.FindMatchingObjects(env);
    }

    /// <summary><c>objs_next</c>: whether some object to move already lies next to a fixed position (for rejection sampling).</summary>
    public bool ObjectsAlreadyNext()
    {
        foreach (WorldObject value in Move.Objects)
            foreach ((int X, int Y) position in Fixed.Positions)
                if (NextTo(value.CurrentPosition, position)) return true;
        return false;
    }

    protected override InstrStatus VerifyAction(MiniGridAction action)
    {
        WorldObject? before = PreviouslyCarried;
        PreviouslyCarried = Env.Carrying;
        if (Strict && action == MiniGridAction.Pickup && Env.Carrying is not null) return InstrStatus.Failure;
        if (action != MiniGridAction.Drop) return InstrStatus.Continue;
        foreach (WorldObject value in Move.Objects)
        {
            if (!ReferenceEquals(before, value)) continue;
            foreach ((int X, int Y) position in Fixed.Positions)
                if (NextTo(value.CurrentPosition, position)) return InstrStatus.Success;
        }
        return InstrStatus.Continue;
    }

    /// <summary><c>pos_next_to</c>: horizontally or vertically adjacent.</summary>
    private static bool NextTo((int X, int Y) a, (int X, int Y) b) => Math.Abs(a.X - b.X) + Math.Abs(a.Y - b.Y) == 1;
}

/// <summary>Python's <c>SeqInstr</c>: two instructions combined (before, after, and).</summary>
public abstract class SeqInstr : Instr
{
    protected SeqInstr(Instr first, Instr second, bool strict)
    {
        if (first is not (ActionInstr or AndInstr) || second is not (ActionInstr or AndInstr))
            throw new ArgumentException("Sequenced instructions combine clauses or 'and' instructions.");
        First = first;
        Second = second;
        Strict = strict;
    }

    /// <summary>Python's <c>instr_a</c>.</summary>
    public Instr First { get; }

    /// <summary>Python's <c>instr_b</c>.</summary>
    public Instr Second { get; }

    /// <summary>Completing the clauses in the wrong order fails the episode.</summary>
    public bool Strict { get; }

    // Python's a_done / b_done start as False, which compares like "continue".
    protected internal InstrStatus FirstDone { get; set; }
    protected internal InstrStatus SecondDone { get; set; }

    public override void ResetVerifier(RoomGridEnv env)
    {
        base.ResetVerifier(env);
        First.ResetVerifier(env);
        Second.ResetVerifier(env);
        FirstDone = InstrStatus.Continue;
        SecondDone = InstrStatus.Continue;
    }

    public override int NavigationsNeeded => First.NavigationsNeeded + Second.NavigationsNeeded;

    public override void UpdateObjectPositions()
    {
        First.UpdateObjectPositions();
        Second.UpdateObjectPositions();
    }

    public override IEnumerable<Instr> Walk() => [this, .. First.Walk(), .. Second.Walk()];
}

/// <summary>"A, then B": B is only checked once A succeeded (on the same step too).</summary>
public sealed class BeforeInstr(Instr first, Instr second, bool strict = false) : SeqInstr(first, second, strict)
{
    public override StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text) => Second.AppendSurface(env, First.AppendSurface(env, text).Append(", then "));

    public override InstrStatus Verify(MiniGridAction action)
    {
        if (FirstDone == InstrStatus.Success)
        {
            SecondDone = Second.Verify(action);
            if (SecondDone is InstrStatus.Failure or InstrStatus.Success) return SecondDone;
            return InstrStatus.Continue;
        }
        FirstDone = First.Verify(action);
        if (FirstDone == InstrStatus.Failure) return InstrStatus.Failure;
        if (FirstDone == InstrStatus.Success) return Verify(action);
        if (Strict && Second.Verify(action) == InstrStatus.Success) return InstrStatus.Failure;
        return InstrStatus.Continue;
    }
}

/// <summary>"A after you B": B first, then A.</summary>
public sealed class AfterInstr(Instr first, Instr second, bool strict = false) : SeqInstr(first, second, strict)
{
    public override StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text) => Second.AppendSurface(env, First.AppendSurface(env, text).Append(" after you "));

    public override InstrStatus Verify(MiniGridAction action)
    {
        if (SecondDone == InstrStatus.Success)
        {
            FirstDone = First.Verify(action);
            if (FirstDone is InstrStatus.Success or InstrStatus.Failure) return FirstDone;
            return InstrStatus.Continue;
        }
        SecondDone = Second.Verify(action);
        if (SecondDone == InstrStatus.Failure) return InstrStatus.Failure;
        if (SecondDone == InstrStatus.Success) return Verify(action);
        if (Strict && First.Verify(action) == InstrStatus.Success) return InstrStatus.Failure;
        return InstrStatus.Continue;
    }
}

/// <summary>"A and B", in either order; each clause keeps being checked until it has succeeded.</summary>
public sealed class AndInstr : SeqInstr
{
    public AndInstr(Instr first, Instr second, bool strict = false) : base(first, second, strict)
    {
        if (first is not ActionInstr || second is not ActionInstr)
            throw new ArgumentException("'and' combines two clauses.");
    }

    public override StringBuilder AppendSurface(RoomGridEnv env, StringBuilder text) => Second.AppendSurface(env, First.AppendSurface(env, text).Append(" and "));

    public override InstrStatus Verify(MiniGridAction action)
    {
        if (FirstDone != InstrStatus.Success) FirstDone = First.Verify(action);
        if (SecondDone != InstrStatus.Success) SecondDone = Second.Verify(action);
        return FirstDone == InstrStatus.Success && SecondDone == InstrStatus.Success ? InstrStatus.Success : InstrStatus.Continue;
    }
}
