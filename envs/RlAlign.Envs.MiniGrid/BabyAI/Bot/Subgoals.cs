namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>Why a subgoal was planned (Python passes these as strings; null is <see cref="None"/>).</summary>
internal enum SubgoalReason
{
    None,
    /// <summary>Open a locked door, then plan dropping the key.</summary>
    Unlock,
    /// <summary>Open a locked door with the key already carried, and keep the key.</summary>
    KeepKey,
    /// <summary>Go to a door in order to open it (switch to fetching its key when it is locked).</summary>
    Open,
    /// <summary>Face an empty cell next to the target.</summary>
    PutNext,
    /// <summary>Go to a cell to see more; the bot drops such subgoals when it replans.</summary>
    Explore,
}

/// <summary>
/// Python's <c>Subgoal</c>: one step of the bot's plan. <see cref="ReplanBeforeAction"/> suggests an action, or
/// changes the stack and returns null; <see cref="ReplanAfterAction"/> adjusts the plan to the action actually taken.
/// </summary>
internal abstract class Subgoal
{
    protected Subgoal(BabyAIBot bot, SubgoalReason reason = SubgoalReason.None)
    {
        Bot = bot;
        Reason = reason;
        UpdateAgentAttributes();
    }

    protected BabyAIBot Bot { get; }
    public SubgoalReason Reason { get; }

    protected (int X, int Y) Position { get; private set; }
    protected (int X, int Y) Direction { get; private set; }
    protected (int X, int Y) Right { get; private set; }
    protected (int X, int Y) ForwardPosition { get; private set; }
    protected WorldObject? ForwardCell { get; private set; }
    protected WorldObject? Carrying { get; private set; }

    /// <summary>Reads the agent's pose and carried object; the bot calls it before every replan.</summary>
    public void UpdateAgentAttributes()
    {
        RoomGridLevel env = Bot.Env;
        Position = env.AgentPosition;
        Direction = env.DirectionVector;
        Right = (-Direction.Y, Direction.X);
        ForwardPosition = env.FrontPosition;
        ForwardCell = env.Grid.Get(ForwardPosition.X, ForwardPosition.Y);
        Carrying = env.Carrying;
    }

    public abstract MiniGridAction? ReplanBeforeAction();

    public virtual void ReplanAfterAction(MiniGridAction? actionTaken) { }

    /// <summary>Exploratory subgoals are dropped whenever the bot replans.</summary>
    public virtual bool IsExploratory => false;

    /// <summary>Python's <c>_plan_undo_action</c>: plans undoing an action the agent took against the plan.</summary>
    protected void PlanUndoAction(MiniGridAction? actionTaken)
    {
        switch (actionTaken)
        {
            case MiniGridAction.Forward:
                if (Bot.PreviousAgentPosition != Position) Bot.Push(new GoNextToSubgoal(Bot, Position));
                break;
            case MiniGridAction.Left:
                Bot.Push(new GoNextToSubgoal(Bot, Add(Position, Right)));
                break;
            case MiniGridAction.Right:
                Bot.Push(new GoNextToSubgoal(Bot, Add(Position, Negate(Right))));
                break;
            case MiniGridAction.Drop when !ReferenceEquals(Bot.PreviouslyCarried, Carrying):
                // Get back what was dropped.
                if (ForwardCell is not (Key or Box or Ball))
                    throw new InvalidOperationException($"After a drop the bot expects a key, box or ball in front of the agent, found {ForwardCell?.ToString() ?? "nothing"}.");
                Bot.Push(new PickupSubgoal(Bot));
                break;
            case MiniGridAction.Pickup when !ReferenceEquals(Bot.PreviouslyCarried, Carrying):
                // Put it back where it was.
                Bot.Push(new DropSubgoal(Bot));
                break;
            case MiniGridAction.Toggle:
                // Bring a door the agent opened or closed back to its state.
                if (Bot.Env.Grid.Get(ForwardPosition.X, ForwardPosition.Y) is Door door
                    && (Bot.ForwardDoorWasOpen ?? throw new InvalidOperationException("The agent toggled a door the bot never faced.")) != door.IsOpen)
                    Bot.Push(door.IsOpen ? new CloseSubgoal(Bot) : new OpenSubgoal(Bot));
                break;
        }
    }

    protected static (int X, int Y) Add((int X, int Y) a, (int X, int Y) b) => (a.X + b.X, a.Y + b.Y);

    protected static (int X, int Y) Negate((int X, int Y) a) => (-a.X, -a.Y);

    protected static int ManhattanDistance((int X, int Y) a, (int X, int Y) b) => Math.Abs(a.X - b.X) + Math.Abs(a.Y - b.Y);

    protected static bool IsMove(MiniGridAction? action) => action is MiniGridAction.Forward or MiniGridAction.Left or MiniGridAction.Right;

    protected InvalidOperationException PlanBroken(string what) => new($"BabyAI bot, {GetType().Name}: {what}.");

    /// <summary>Python's <c>repr</c>: "(GoNextToSubgoal: datum, reason: PutNext)".</summary>
    public override string ToString()
    {
        string? datum = Datum;
        return "(" + GetType().Name + (datum is null ? "" : ": " + datum) + (Reason == SubgoalReason.None ? "" : ", reason: " + Reason) + ")";
    }

    protected virtual string? Datum => null;
}

/// <summary>Close the open door in front of the agent.</summary>
internal sealed class CloseSubgoal(BabyAIBot bot) : Subgoal(bot)
{
    public override MiniGridAction? ReplanBeforeAction()
    {
        if (ForwardCell is not Door { IsOpen: true }) throw PlanBroken("the agent must face an open door");
        return MiniGridAction.Toggle;
    }

    public override void ReplanAfterAction(MiniGridAction? actionTaken)
    {
        if (actionTaken is null or MiniGridAction.Toggle) Bot.Pop();
        else if (IsMove(actionTaken)) PlanUndoAction(actionTaken);
    }
}

/// <summary>
/// Open the door in front of the agent. A locked door without its key sends the bot for the key first (setting
/// down what it carries); <see cref="SubgoalReason.Unlock"/> plans dropping the key once the door is open.
/// </summary>
internal sealed class OpenSubgoal(BabyAIBot bot, SubgoalReason reason = SubgoalReason.None) : Subgoal(bot, reason)
{
    public override MiniGridAction? ReplanBeforeAction()
    {
        if (ForwardCell is not Door door) throw PlanBroken("the agent must face a door");

        bool gotTheKey = Carrying is Key key && key.Color == door.Color;
        if (door.IsLocked && !gotTheKey)
        {
            var keyDescription = new ObjDesc(ObjectType.Key, door.Color);
            keyDescription.FindMatchingObjects(Bot.Env);
            Bot.Pop();
            if (Carrying is not null)
            {
                (int X, int Y) dropPosition = Bot.FindDropPosition();
                // Take back what is carried now, after opening the door with the key.
                Bot.Push(new PickupSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, dropPosition));
                Bot.Push(new OpenSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, ForwardPosition));
                Bot.Push(new PickupSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, keyDescription));
                // First set down what is carried.
                Bot.Push(new DropSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, dropPosition));
            }
            else
            {
                // Rare: going to a door to open it fetches the key first, unless the agent starts facing the door.
                Bot.Push(new OpenSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, ForwardPosition));
                Bot.Push(new PickupSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, keyDescription));
            }
            return null;
        }

        if (door.IsOpen)
        {
            Bot.Push(new CloseSubgoal(Bot));
            return null;
        }

        if (door.IsLocked && Reason == SubgoalReason.None)
        {
            Bot.Pop();
            Bot.Push(new OpenSubgoal(Bot, SubgoalReason.Unlock));
            return null;
        }

        return MiniGridAction.Toggle;
    }

    public override void ReplanAfterAction(MiniGridAction? actionTaken)
    {
        if (actionTaken is null or MiniGridAction.Toggle)
        {
            Bot.Pop();
            if (Reason == SubgoalReason.Unlock)
            {
                // Chosen only now: a cell chosen earlier might be taken by the time the key gets there.
                (int X, int Y) dropPosition = Bot.FindDropPosition();
                Bot.Push(new DropSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, dropPosition));
            }
        }
        else
        {
            PlanUndoAction(actionTaken);
        }
    }
}

/// <summary>Drop what the agent carries on the empty cell in front of it.</summary>
internal sealed class DropSubgoal(BabyAIBot bot) : Subgoal(bot)
{
    public override MiniGridAction? ReplanBeforeAction()
    {
        if (Bot.Env.Carrying is null) throw PlanBroken("the agent must carry something to drop");
        if (ForwardCell is not null) throw PlanBroken($"the cell in front of the agent must be empty, it holds {ForwardCell}");
        return MiniGridAction.Drop;
    }

    public override void ReplanAfterAction(MiniGridAction? actionTaken)
    {
        if (actionTaken is null or MiniGridAction.Drop) Bot.Pop();
        else if (IsMove(actionTaken)) PlanUndoAction(actionTaken);
    }
}

/// <summary>Pick up the object in front of the agent.</summary>
internal sealed class PickupSubgoal(BabyAIBot bot) : Subgoal(bot)
{
    public override MiniGridAction? ReplanBeforeAction()
    {
        if (Bot.Env.Carrying is not null) throw PlanBroken($"the agent must carry nothing, it carries {Bot.Env.Carrying}");
        return MiniGridAction.Pickup;
    }

    public override void ReplanAfterAction(MiniGridAction? actionTaken)
    {
        if (actionTaken is null or MiniGridAction.Pickup) Bot.Pop();
        else if (actionTaken is MiniGridAction.Left or MiniGridAction.Right) PlanUndoAction(actionTaken);
    }
}

/// <summary>Look for the closest unseen cell and go there; when all is seen, go open the nearest closed door.</summary>
internal sealed class ExploreSubgoal(BabyAIBot bot) : Subgoal(bot)
{
    public override bool IsExploratory => true;

    public override MiniGridAction? ReplanBeforeAction()
    {
        (int X, int Y)? unseen = Bot.ShortestPath((x, y, _) => !Bot.Seen((x, y)), tryWithBlockers: true).Finish;
        if (unseen is { } target)
        {
            Bot.Push(new GoNextToSubgoal(Bot, target, SubgoalReason.Explore));
            return null;
        }

        // Unlocked doors first: exploring through a locked door that an open subgoal is after would loop forever.
        (int X, int Y)? doorPosition = Bot.ShortestPath((_, _, cell) => cell is Door { IsLocked: false, IsOpen: false }, tryWithBlockers: true).Finish;
        if (doorPosition is null && Carrying is null)
        {
            // Not in Python: with empty hands, going to open a locked door whose key has not been seen fetches the key,
            // finds it unseen and explores again, back to the same closest door: Python's replan never returns
            // (UnlockToUnlock, where door A's key lies behind door B). A locked door whose key is in sight comes first.
            var keySeen = new bool[ObjectColors.Names.Count];
            foreach (ObjectColor color in ObjectColors.Names) keySeen[(int)color] = KeyInSight(color);
            doorPosition = Bot.ShortestPath((_, _, cell) => cell is Door { IsOpen: false } door && keySeen[(int)door.Color], tryWithBlockers: true).Finish;
        }
        doorPosition ??= Bot.ShortestPath((_, _, cell) => cell is Door { IsOpen: false }, tryWithBlockers: true).Finish;
        if (doorPosition is not { } position) throw PlanBroken("nothing left to explore");

        var door = (Door)Bot.Env.Grid.Get(position.X, position.Y)!;
        // Heading for a locked door with its key in hand: keep the key once the door is open.
        bool gotTheKey = Carrying is Key key && key.Color == door.Color;
        SubgoalReason openReason = door.IsLocked && gotTheKey ? SubgoalReason.KeepKey : SubgoalReason.None;
        Bot.Pop();
        Bot.Push(new OpenSubgoal(Bot, openReason));
        Bot.Push(new GoNextToSubgoal(Bot, door, SubgoalReason.Open));
        return null;
    }

    /// <summary>Whether a key of <paramref name="color"/> lies on a cell the bot has seen (where <see cref="GoNextToSubgoal"/> would find it).</summary>
    private bool KeyInSight(ObjectColor color)
    {
        var keyDescription = new ObjDesc(ObjectType.Key, color);
        keyDescription.FindMatchingObjects(Bot.Env);
        foreach ((int X, int Y) position in keyDescription.Positions)
            if (Bot.Seen(position)) return true;
        return false;
    }
}
