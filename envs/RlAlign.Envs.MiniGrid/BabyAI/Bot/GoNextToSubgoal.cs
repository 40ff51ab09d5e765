namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>
/// Python's <c>GoNextToSubgoal</c>: go to face a cell, an object, or the nearest seen object of a description
/// (with <see cref="SubgoalReason.PutNext"/>: face an empty cell next to it). Objects in the way are carried aside,
/// closed doors on the way are opened, and an unknown target sends the bot exploring.
/// </summary>
internal sealed class GoNextToSubgoal : Subgoal
{
    private readonly ObjDesc? _description;
    private readonly WorldObject? _object;
    private readonly (int X, int Y) _position;

    public GoNextToSubgoal(BabyAIBot bot, ObjDesc description, SubgoalReason reason = SubgoalReason.None) : base(bot, reason)
        => _description = description;

    public GoNextToSubgoal(BabyAIBot bot, WorldObject target, SubgoalReason reason = SubgoalReason.None) : base(bot, reason)
        => _object = target;

    public GoNextToSubgoal(BabyAIBot bot, (int X, int Y) position, SubgoalReason reason = SubgoalReason.None) : base(bot, reason)
        => _position = position;

    public override bool IsExploratory => Reason == SubgoalReason.Explore;

    protected override string Datum => _description?.ToString() ?? _object?.ToString() ?? $"({_position.X}, {_position.Y})";

    public override MiniGridAction? ReplanBeforeAction()
    {
        WorldObject? targetObject = null;
        (int X, int Y) target;
        if (_description is not null)
        {
            (targetObject, (int X, int Y)? found) = Bot.FindObjectPosition(_description, adjacent: Reason == SubgoalReason.PutNext);
            if (found is null)
            {
                // No such object seen yet.
                Bot.Push(new ExploreSubgoal(Bot));
                return null;
            }
            target = found.Value;
        }
        else if (_object is not null)
        {
            targetObject = _object;
            target = _object.CurrentPosition;
        }
        else
        {
            target = _position;
        }

        // Heading for a locked door with empty hands: fetch its key first. (Carrying something, keep going: that
        // object has to be brought near the door anyway.)
        if (Reason == SubgoalReason.Open && targetObject is Door { IsLocked: true } lockedDoor && Carrying is null)
        {
            var keyDescription = new ObjDesc(ObjectType.Key, lockedDoor.Color);
            keyDescription.FindMatchingObjects(Bot.Env);
            // Commit to this particular door.
            Bot.Pop();
            Bot.Push(new GoNextToSubgoal(Bot, lockedDoor, SubgoalReason.Open));
            Bot.Push(new PickupSubgoal(Bot));
            Bot.Push(new GoNextToSubgoal(Bot, keyDescription));
            return null;
        }

        // Standing on the cell to face (or, for PutNext, next to the target): step away.
        if (ManhattanDistance(target, Position) == (Reason == SubgoalReason.PutNext ? 1 : 0))
        {
            if (Steppable(ForwardCell)) return MiniGridAction.Forward;
            if (Steppable(CellAt(Add(Position, Right)))) return MiniGridAction.Right;
            if (Steppable(CellAt(Add(Position, Negate(Right))))) return MiniGridAction.Left;
            // Spin and hope for the best.
            return MiniGridAction.Left;
        }

        if (Reason == SubgoalReason.PutNext)
        {
            if (ManhattanDistance(target, ForwardPosition) == 1)
            {
                if (ForwardCell is null)
                {
                    Bot.Pop();
                    return null;
                }
                if (ForwardCell is Door { IsOpen: true })
                {
                    // Nothing can be dropped in a doorway: go two cells further, which moves the target.
                    Bot.Push(new GoNextToSubgoal(Bot, Add(ForwardPosition, (2 * Direction.X, 2 * Direction.Y))));
                    return null;
                }
            }
        }
        else if (target == ForwardPosition)
        {
            Bot.Pop();
            return null;
        }

        // Prefer a path around blocking objects, then one through them; with neither, explore.
        CellPredicate atTarget = BabyAIBot.At(target);
        List<(int X, int Y)>? path = Bot.ShortestPath(atTarget).Path;
        if (path is not { Count: > 0 }) path = Bot.ShortestPath(atTarget, tryWithBlockers: true).Path;
        if (path is not { Count: > 0 })
        {
            Bot.Push(new ExploreSubgoal(Bot));
            return null;
        }

        (int X, int Y) next = path[0];
        if (next == ForwardPosition)
        {
            if (ForwardCell is null) return MiniGridAction.Forward;
            if (ForwardCell is Door door)
            {
                if (door.IsLocked) throw PlanBroken($"the path leads through the locked {door}");
                if (door.IsOpen) return MiniGridAction.Forward;
                Bot.Push(new OpenSubgoal(Bot));
                return null;
            }
            // An object blocks the way: carry it aside.
            if (Carrying is not null)
            {
                (int X, int Y) dropCarried = Bot.FindDropPosition();
                (int X, int Y) dropBlocker = Bot.FindDropPosition(dropCarried);
                // Take back the object carried now.
                Bot.Push(new PickupSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, dropCarried));
                // Move the blocker.
                Bot.Push(new DropSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, dropBlocker));
                Bot.Push(new PickupSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, ForwardPosition));
                // First set down the object carried now.
                Bot.Push(new DropSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, dropCarried));
            }
            else
            {
                (int X, int Y) drop = Bot.FindDropPosition();
                Bot.Push(new DropSubgoal(Bot));
                Bot.Push(new GoNextToSubgoal(Bot, drop));
                Bot.Push(new PickupSubgoal(Bot));
            }
            return null;
        }

        // Turn towards the next cell.
        (int X, int Y) step = (next.X - Position.X, next.Y - Position.Y);
        if (step == Right) return MiniGridAction.Right;
        if (step == Negate(Right)) return MiniGridAction.Left;

        // The next cell is behind: turn towards the side whose nearest wall or door (in view) is further away,
        // since exploration may change the plan on the way.
        int distanceRight = Bot.ClosestWallOrDoor(Position, Right);
        int distanceLeft = Bot.ClosestWallOrDoor(Position, Negate(Right));
        return distanceLeft > distanceRight ? MiniGridAction.Left : MiniGridAction.Right;
    }

    public override void ReplanAfterAction(MiniGridAction? actionTaken)
    {
        if (actionTaken is MiniGridAction.Pickup or MiniGridAction.Drop or MiniGridAction.Toggle) PlanUndoAction(actionTaken);
    }

    private WorldObject? CellAt((int X, int Y) position) => Bot.Env.Grid.Get(position.X, position.Y);

    private static bool Steppable(WorldObject? cell) => cell is null || cell is Door { IsOpen: true };
}
