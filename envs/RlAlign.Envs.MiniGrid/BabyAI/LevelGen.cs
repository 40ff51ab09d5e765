namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>The clause kinds a <see cref="LevelGen"/> may draw (Python's <c>action_kinds</c>), in Python's order.</summary>
public enum ActionKind
{
    GoTo,
    Pickup,
    Open,
    PutNext,
}

/// <summary>The instruction shapes a <see cref="LevelGen"/> may draw (Python's <c>instr_kinds</c>).</summary>
public enum InstrKind
{
    Action,
    And,
    Seq,
}

/// <summary>A <see cref="LevelGen"/>'s settings (Python's constructor keywords, with its defaults).</summary>
public sealed record LevelGenSettings
{
    public int RoomSize { get; init; } = 8;
    public int NumRows { get; init; } = 3;
    public int NumCols { get; init; } = 3;
    public int NumDistractors { get; init; } = 18;
    public double LockedRoomProbability { get; init; } = 0.5;
    public bool Locations { get; init; } = true;
    public bool Unblocking { get; init; } = true;
    public bool ImplicitUnlock { get; init; } = true;
    public IReadOnlyList<ActionKind> ActionKinds { get; init; } = [ActionKind.GoTo, ActionKind.Pickup, ActionKind.Open, ActionKind.PutNext];
    public IReadOnlyList<InstrKind> InstrKinds { get; init; } = [InstrKind.Action, InstrKind.And, InstrKind.Seq];
    public int AgentViewSize { get; init; } = 7;
}

/// <summary>
/// Python's <c>LevelGen</c> (<c>core/levelgen.py</c>): maybe a locked room with its key elsewhere, doors until every
/// room is reachable, distractors anywhere, the agent outside the locked room, then a random instruction from the
/// whole BabyAI grammar restricted to the configured clause and instruction kinds.
/// </summary>
public class LevelGen : RoomGridLevel
{
    private static readonly ObjectColor?[] ColorsOrNone = [null, .. ObjectColors.Names];
    private static readonly ObjectType[] DoorOnly = [ObjectType.Door];
    private static readonly InstrKind[] ActionOnly = [InstrKind.Action];
    private static readonly InstrKind[] ActionOrAnd = [InstrKind.Action, InstrKind.And];
    private static readonly string[] SeqKinds = ["before", "after"];

    // Minigrid 3.1 never clears locked_room between generations; a stale room only still matters through its
    // position (rand_obj's implicit-unlock check), because Python builds new Room objects for every attempt.
    private Room? _lockedRoom;
    private bool _lockedRoomAddedThisAttempt;

    public LevelGen(string defaultId, LevelGenSettings settings)
        : base(defaultId, settings.RoomSize, settings.NumRows, settings.NumCols, settings.AgentViewSize)
    {
        if (settings.NumDistractors < 0)
            throw new ArgumentException($"{defaultId}: option 'num_dists' must be 0 or more, got {settings.NumDistractors}.");
        if (settings.LockedRoomProbability is < 0 or > 1 || double.IsNaN(settings.LockedRoomProbability))
            throw new ArgumentException($"{defaultId}: option 'locked_room_prob' must be in [0, 1], got {settings.LockedRoomProbability}.");
        if (settings.ActionKinds.Count == 0) throw new ArgumentException($"{defaultId}: option 'action_kinds' must name at least one of goto, pickup, open, putnext.");
        if (settings.InstrKinds.Count == 0) throw new ArgumentException($"{defaultId}: option 'instr_kinds' must name at least one of action, and, seq.");
        Settings = settings;
    }

    public LevelGenSettings Settings { get; }

    protected override bool Unblocking => Settings.Unblocking;

    protected override void GenerateMission()
    {
        _lockedRoomAddedThisAttempt = false;
        if (RandomFloat(0, 1) < Settings.LockedRoomProbability) AddLockedRoom();
        ConnectAll();
        AddDistractors(count: Settings.NumDistractors, allUnique: false);

        // The agent is placed after the objects, outside the locked room.
        while (true)
        {
            PlaceAgentInRoom();
            Room start = RoomFromPosition(AgentPosition.X, AgentPosition.Y);
            if (_lockedRoomAddedThisAttempt && ReferenceEquals(start, _lockedRoom)) continue;
            break;
        }

        if (!Settings.Unblocking) CheckObjectsReachable();
        Instructions = RandomInstruction(Settings.ActionKinds, Settings.InstrKinds);
    }

    protected override void SaveLevelState(BinaryWriter writer)
    {
        writer.Write(_lockedRoom is not null);
        if (_lockedRoom is null) return;
        writer.Write(_lockedRoom.Top.X);
        writer.Write(_lockedRoom.Top.Y);
    }

    protected override void LoadLevelState(BinaryReader reader)
    {
        // Only the stale room's place matters once generation is over (see _lockedRoom), so a detached copy will do.
        _lockedRoom = reader.ReadBoolean() ? new Room((reader.ReadInt32(), reader.ReadInt32()), (RoomSize, RoomSize)) : null;
        _lockedRoomAddedThisAttempt = false;
    }

    /// <summary><c>add_locked_room</c>: a locked door on an inner wall of a random room, its key in another room.</summary>
    private void AddLockedRoom()
    {
        Door door;
        while (true)
        {
            int i = RandomInt(0, NumCols);
            int j = RandomInt(0, NumRows);
            int wall = RandomInt(0, 4);
            _lockedRoom = GetRoom(i, j);
            _lockedRoomAddedThisAttempt = true;
            if (_lockedRoom.Neighbors[wall] is null) continue;
            (door, _) = AddDoor(i, j, wall, locked: true);
            break;
        }
        while (true)
        {
            int i = RandomInt(0, NumCols);
            int j = RandomInt(0, NumRows);
            if (ReferenceEquals(GetRoom(i, j), _lockedRoom)) continue;
            AddObject(i, j, ObjectType.Key, door.Color);
            break;
        }
    }

    /// <summary>
    /// <c>rand_obj</c>: draws colour (or none), kind and maybe a location until the description matches an object
    /// (outside the locked room when implicit unlocking is off); more than 101 draws reject the level.
    /// </summary>
    private ObjDesc RandomObject(IReadOnlyList<ObjectType> types, int maxTries = 100)
    {
        for (int tries = 0; ; tries++)
        {
            if (tries > maxTries) throw new PlacementFailedException($"{DisplayName}: failed to find a suitable object description.");
            ObjectColor? color = RandomElement(ColorsOrNone);
            ObjectType type = RandomElement(types);
            ObjectLocation? location = null;
            if (Settings.Locations && RandomBool()) location = RandomElement(BabyAIVocabulary.Locations);

            var description = new ObjDesc(type, color, location);
            description.FindMatchingObjects(this);
            if (description.Objects.Count == 0) continue;
            if (!Settings.ImplicitUnlock && _lockedRoom is { } locked && AllInside(locked, description.Positions))
                continue;
            return description;
        }
    }

    // A loop rather than TrueForAll with a lambda: the lambda's closure was allocated on every draw.
    private static bool AllInside(Room room, List<(int X, int Y)> positions)
    {
        foreach ((int x, int y) in positions)
            if (!room.Contains(x, y)) return false;
        return true;
    }

    /// <summary><c>rand_instr</c>: a clause, two clauses joined by "and", or two of those in sequence.</summary>
    private Instr RandomInstruction(IReadOnlyList<ActionKind> actionKinds, IReadOnlyList<InstrKind> instrKinds)
    {
        switch (RandomElement(instrKinds))
        {
            case InstrKind.Action:
                return RandomElement(actionKinds) switch
                {
                    ActionKind.GoTo => new GoToInstr(RandomObject(BabyAIVocabulary.ObjectTypes)),
                    ActionKind.Pickup => new PickupInstr(RandomObject(BabyAIVocabulary.ObjectTypesNotDoor)),
                    ActionKind.Open => new OpenInstr(RandomObject(DoorOnly)),
                    _ => NewPutNext(),
                };
            case InstrKind.And:
            {
                Instr first = RandomInstruction(actionKinds, ActionOnly);
                Instr second = RandomInstruction(actionKinds, ActionOnly);
                return new AndInstr(first, second);
            }
            default:
            {
                Instr first = RandomInstruction(actionKinds, ActionOrAnd);
                Instr second = RandomInstruction(actionKinds, ActionOrAnd);
                return RandomElement(SeqKinds) == "before" ? new BeforeInstr(first, second) : new AfterInstr(first, second);
            }
        }

        PutNextInstr NewPutNext()
        {
            ObjDesc move = RandomObject(BabyAIVocabulary.ObjectTypesNotDoor);
            ObjDesc fixedDescription = RandomObject(BabyAIVocabulary.ObjectTypes);
            return new PutNextInstr(move, fixedDescription);
        }
    }
}
