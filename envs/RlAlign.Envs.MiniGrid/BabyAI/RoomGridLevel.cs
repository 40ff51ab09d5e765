using System.Text;
using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>Python's <c>RejectSampling</c>: the drawn level does not fit its constraints; the level is drawn again.</summary>
public sealed class RejectSamplingException(string message) : Exception(message);

/// <summary>
/// Python's <c>RoomGridLevel</c> (<c>minigrid/envs/babyai/core/roomgrid_level.py</c>): a room grid whose
/// <see cref="GenerateMission"/> lays out objects and draws an instruction. Generation is redrawn, with the same
/// generator, whenever it is rejected; the mission is the instruction's surface form, the verifier judges every
/// step, and <c>max_steps</c> is recomputed at every reset from the instruction.
/// </summary>
public abstract class RoomGridLevel : RoomGridEnv
{
    /// <summary>
    /// BabyAI missions are longer than Minigrid's: two "and"s of "put … next to …" sequenced with "after you",
    /// every description with a location, reach 305 characters.
    /// </summary>
    public const int BabyAIMissionMaxLength = 512;

    private Instr? _instructions;

    protected RoomGridLevel(string defaultId, int roomSize = 8, int numRows = 3, int numCols = 3, int agentViewSize = 7)
        : base(defaultId, CheckRoomSize(defaultId, roomSize), CheckPositive(defaultId, "num_rows", numRows), CheckPositive(defaultId, "num_cols", numCols),
            maxSteps: roomSize * roomSize * numRows * numCols, agentViewSize, BabyAIMissionMaxLength)
    {
    }

    /// <summary>The instruction of the current episode (Python's <c>instrs</c>).</summary>
    public Instr Instructions
    {
        get => _instructions ?? throw new InvalidOperationException($"{DisplayName}: call Reset before reading the instructions.");
        protected set => _instructions = value;
    }

    /// <summary>How many times generation was rejected and redrawn in the last reset (the traces' <c>rejection_sampling_retries</c>).</summary>
    public int RejectionSamplingRetries { get; private set; }

    /// <summary>
    /// A step limit that replaces the one recomputed from the instruction at each reset. Python always recomputes
    /// it, even when a level's constructor takes <c>max_steps</c>; here an explicit <c>max_steps</c> option fixes it.
    /// </summary>
    public int? FixedMaxSteps { get; set; }

    /// <summary>Python's <c>hasattr(self, "unblocking") and self.unblocking</c>: only level generators set it.</summary>
    protected virtual bool Unblocking => false;

    /// <summary>Lays out the level's objects and doors, places the agent and sets <see cref="Instructions"/> (Python's <c>gen_mission</c>).</summary>
    protected abstract void GenerateMission();

    /// <summary>
    /// Python redraws a rejected level forever; this bound turns options no level can satisfy (say, pickup clauses
    /// and no objects) into an error. The registered levels need at most a few dozen draws.
    /// </summary>
    public const int MaxGenerationAttempts = 1000;

    protected sealed override void GenerateGrid(int width, int height)
    {
        RejectionSamplingRetries = 0;
        while (true)
        {
            base.GenerateGrid(width, height);
            try
            {
                GenerateMission();
                ValidateInstructions(Instructions);
                break;
            }
            // Python also redraws on RecursionError, which place_obj and rand_obj raise when out of tries.
            catch (Exception e) when (e is RejectSamplingException or PlacementFailedException)
            {
                if (++RejectionSamplingRetries >= MaxGenerationAttempts)
                    throw new InvalidOperationException(
                        $"{DisplayName}: no level met its constraints in {MaxGenerationAttempts} draws (last rejection: {e.Message}); check the level's options.", e);
            }
        }
        _missionText.Clear();
        Mission = _missions.Get(Instructions.AppendSurface(this, _missionText));
    }

    // The mission is rendered into one reused buffer and looked up among the missions seen before (see MissionStrings).
    private readonly StringBuilder _missionText = new(BabyAIMissionMaxLength);
    private readonly MissionStrings _missions = new();

    protected override void AfterReset()
    {
        Instructions.ResetVerifier(this);
        MaxSteps = FixedMaxSteps ?? Instructions.NavigationsNeeded * RoomSize * RoomSize * NumRows * NumCols;
    }

    protected override void AfterRecordedStateOverlaid() => Instructions.ResetVerifier(this);

    protected override StepResult StepCore(MiniGridAction action)
    {
        StepResult result = base.StepCore(action);
        // A dropped object moved: the descriptions' positions must follow it.
        if (action == MiniGridAction.Drop) Instructions.UpdateObjectPositions();
        return Instructions.Verify(action) switch
        {
            InstrStatus.Success => new StepResult(SuccessReward(), true, result.Truncated),
            InstrStatus.Failure => new StepResult(0, true, result.Truncated),
            _ => result,
        };
    }

    /// <summary>
    /// <c>validate_instrs</c>: "put A next to B" must not name one object on both sides nor start with them
    /// adjacent; with unblocking, no clause may involve a key of a locked door's colour.
    /// </summary>
    private void ValidateInstructions(Instr instruction)
    {
        // Indexed by colour: whether a locked door has it (only consulted with unblocking).
        Span<bool> lockedDoorColors = stackalloc bool[ObjectColors.Names.Count];
        if (Unblocking)
        {
            for (int i = 0; i < NumCols; i++)
                for (int j = 0; j < NumRows; j++)
                    foreach (Door? door in GetRoom(i, j).Doors)
                        if (door is { IsLocked: true }) lockedDoorColors[(int)door.Color] = true;
        }
        ValidateClauses(instruction, lockedDoorColors);
    }

    /// <summary>The checks of <see cref="ValidateInstructions"/> on every clause, in <see cref="Instr.Walk"/>'s order (without its enumerators).</summary>
    private void ValidateClauses(Instr instruction, ReadOnlySpan<bool> lockedDoorColors)
    {
        if (instruction is SeqInstr sequence)
        {
            ValidateClauses(sequence.First, lockedDoorColors);
            ValidateClauses(sequence.Second, lockedDoorColors);
            return;
        }
        if (instruction is PutNextInstr putNext)
        {
            putNext.ResetVerifier(this);
            foreach (WorldObject value in putNext.Move.Objects)
                if (ObjDesc.ContainsReference(putNext.Fixed.Objects, value))
                    throw new RejectSamplingException("there are objects that match both lhs and rhs of PutNext");
            if (putNext.ObjectsAlreadyNext()) throw new RejectSamplingException("objs already next to each other");
            if (putNext.Move.Objects.Count == 1 && putNext.Fixed.Objects.Count == 1 && ReferenceEquals(putNext.Move.Objects[0], putNext.Fixed.Objects[0]))
                throw new RejectSamplingException("cannot move an object next to itself");
        }
        if (instruction is ActionInstr action && Unblocking)
        {
            IReadOnlyList<ObjDesc> descriptions = action.Descriptions;
            for (int k = 0; k < descriptions.Count; k++)
                if (descriptions[k].Type == ObjectType.Key && descriptions[k].Color is { } color && lockedDoorColors[(int)color])
                    throw new RejectSamplingException("cannot do anything with/to a key that can be used to open a door");
        }
    }

    /// <summary>
    /// <c>check_objs_reachable</c>: every object (walls aside) can be reached from the agent through empty cells
    /// and doors, moving nothing. Throws <see cref="RejectSamplingException"/> when not and <paramref name="throwIfNot"/>.
    /// </summary>
    protected bool CheckObjectsReachable(bool throwIfNot = true)
    {
        // Levels check reachability on most resets; the search reuses its buffers.
        _reachable ??= new bool[Width * Height];
        Array.Clear(_reachable);
        _reachabilityStack.Clear();
        _reachabilityStack.Push(AgentPosition);
        while (_reachabilityStack.Count > 0)
        {
            (int i, int j) = _reachabilityStack.Pop();
            if (i < 0 || i >= Width || j < 0 || j >= Height || _reachable[i * Height + j]) continue;
            _reachable[i * Height + j] = true;
            WorldObject? cell = Grid.Get(i, j);
            if (cell is not null && cell.Type != ObjectType.Door) continue;
            _reachabilityStack.Push((i + 1, j));
            _reachabilityStack.Push((i - 1, j));
            _reachabilityStack.Push((i, j + 1));
            _reachabilityStack.Push((i, j - 1));
        }
        for (int i = 0; i < Width; i++)
        {
            for (int j = 0; j < Height; j++)
            {
                WorldObject? cell = Grid.Get(i, j);
                if (cell is null || cell.Type == ObjectType.Wall || _reachable[i * Height + j]) continue;
                if (!throwIfNot) return false;
                throw new RejectSamplingException($"unreachable object at ({i}, {j})");
            }
        }
        return true;
    }

    private bool[]? _reachable;
    private readonly Stack<(int X, int Y)> _reachabilityStack = new();

    /// <summary><c>open_all_doors</c>.</summary>
    protected void OpenAllDoors()
    {
        for (int i = 0; i < NumCols; i++)
            for (int j = 0; j < NumRows; j++)
                foreach (Door? door in GetRoom(i, j).Doors)
                    if (door is not null) door.IsOpen = true;
    }

    /// <summary>Every door of every room, rooms column by column, walls right/down/left/up: a door shared by two rooms is listed twice, as in Python.</summary>
    protected List<Door> AllDoors()
    {
        var doors = new List<Door>();
        for (int i = 0; i < NumCols; i++)
            for (int j = 0; j < NumRows; j++)
                foreach (Door? door in GetRoom(i, j).Doors)
                    if (door is not null) doors.Add(door);
        return doors;
    }

    /// <summary>
    /// The "locked room" pattern of Unlock and GoToImpUnlock: a locked door on a random wall of a random room, its
    /// key in another room. Returns the door and the room's (column, row).
    /// </summary>
    protected (Door Door, int Column, int Row) AddLockedDoorWithKeyElsewhere()
    {
        int column = RandomInt(0, NumCols);
        int row = RandomInt(0, NumRows);
        (Door door, _) = AddDoor(column, row, locked: true);
        while (true)
        {
            int keyColumn = RandomInt(0, NumCols);
            int keyRow = RandomInt(0, NumRows);
            if (keyColumn == column && keyRow == row) continue;
            AddObject(keyColumn, keyRow, ObjectType.Key, door.Color);
            return (door, column, row);
        }
    }

    /// <summary>Places the agent (room drawn) again and again until it is outside <paramref name="forbidden"/>.</summary>
    protected void PlaceAgentOutside(Room? forbidden)
    {
        while (true)
        {
            PlaceAgentInRoom();
            if (!ReferenceEquals(RoomFromPosition(AgentPosition.X, AgentPosition.Y), forbidden)) return;
        }
    }

    /// <summary>Saves the instruction with its verifier's progress (objects by grid position or as the carried one).</summary>
    protected sealed override void SaveExtraState(BinaryWriter writer)
    {
        writer.Write(RejectionSamplingRetries);
        writer.Write(_instructions is not null);
        _instructions?.Write(writer, WriteReference);
        SaveLevelState(writer);
    }

    protected sealed override void LoadExtraState(BinaryReader reader)
    {
        RejectionSamplingRetries = reader.ReadInt32();
        _instructions = reader.ReadBoolean() ? Instr.Read(reader, ReadReference, this) : null;
        LoadLevelState(reader);
    }

    /// <summary>Saves what a level keeps between resets beyond the instruction.</summary>
    protected virtual void SaveLevelState(BinaryWriter writer) { }
    protected virtual void LoadLevelState(BinaryReader reader) { }

    private static int CheckRoomSize(string id, int roomSize)
        => roomSize >= 3 ? roomSize : throw new ArgumentException($"{id}: option 'room_size' must be at least 3, got {roomSize}.", nameof(roomSize));

    private static int CheckPositive(string id, string option, int value)
        => value > 0 ? value : throw new ArgumentException($"{id}: option '{option}' must be a positive integer, got {value}.", option);
}
