using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>
/// Python's <c>DisappearedBoxError</c>: a box was opened (toggling replaces it with its contents), and the bot assumes
/// it can no longer complete the mission.
/// </summary>
public sealed class DisappearedBoxException(string message) : InvalidOperationException(message);

/// <summary>
/// Minigrid 3.1's BabyAI expert (<c>minigrid/utils/baby_ai_bot.py</c>, <c>BabyAIBot</c>): a stack of subgoals built
/// from the instruction (go next to, open, close, pick up, drop, explore) that it replans at every step. It reads the
/// env's internals as Python's bot does — the true grid, the agent's pose and carried object, the instruction's
/// object descriptions — and remembers which cells the agent has seen. Paths come from a breadth-first search with
/// Python's neighbour order and tie-breaking, first around blocking objects, then through them.
/// </summary>
/// <remarks>
/// Create the bot right after <c>Reset</c> and call <see cref="Replan"/> once per step with the action the agent took
/// (null on the first step, or to say that the bot's own suggestion was taken).
/// </remarks>
public sealed class BabyAIBot
{
    // The objects of an instruction's description keep being tracked, so "not found" must not be a position.
    private const int NoCell = -1;

    private const int MaxReplansPerStep = 10_000;

    private readonly RoomGridLevel _env;
    private readonly bool[] _seen;
    private readonly List<Subgoal> _stack = [];
    private readonly PathSearch _search, _blockerSearch;

    /// <param name="env">A BabyAI level (or a wrapper around one) that has been reset.</param>
    public BabyAIBot(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        _env = env.Unwrapped as RoomGridLevel
            ?? throw new ArgumentException($"The BabyAI bot drives BabyAI levels; got {env.Unwrapped.GetType().Name}.", nameof(env));
        _seen = new bool[_env.Width * _env.Height];
        _search = new PathSearch(_env.Width, _env.Height);
        _blockerSearch = new PathSearch(_env.Width, _env.Height);
        ProcessInstruction(_env.Instructions);
    }

    internal RoomGridLevel Env => _env;

    internal (int X, int Y) PreviousAgentPosition { get; private set; }
    internal WorldObject? PreviouslyCarried { get; private set; }

    /// <summary>Whether the door in front of the agent was open at the last replan; Python keeps the last door's value.</summary>
    internal bool? ForwardDoorWasOpen { get; private set; }

    private WorldObject? _previousForwardCell;

    /// <summary>The plan, bottom first, as Python's <c>repr</c> of the stack shows it (for diagnostics).</summary>
    public IReadOnlyList<string> Plan => _stack.Select(s => s.ToString()).ToArray();

    /// <summary>
    /// Python's <c>replan</c>: updates what the agent has seen, adjusts the plan to the action the agent took, and
    /// returns the action to take next (<c>done</c> once the plan is empty).
    /// </summary>
    /// <param name="actionTaken">The action the agent took since the last call; null on the first step.</param>
    /// <exception cref="DisappearedBoxException">The agent opened a box.</exception>
    public int Replan(int? actionTaken = null)
    {
        if (actionTaken is < 0 or > (int)MiniGridAction.Done)
            throw new ArgumentOutOfRangeException(nameof(actionTaken), actionTaken, "A Minigrid action is an integer in 0..6.");
        var action = (MiniGridAction?)actionTaken;
        ProcessObservation();
        CheckErroneousBoxOpening(action);

        foreach (Subgoal subgoal in _stack) subgoal.UpdateAgentAttributes();
        if (_stack.Count > 0) _stack[^1].ReplanAfterAction(action);

        // Exploration is only a means to an end: drop it and decide afresh.
        while (_stack.Count > 0 && _stack[^1].IsExploratory) Pop();

        MiniGridAction? suggested = null;
        for (int replans = 0; _stack.Count > 0; replans++)
        {
            // Python would loop forever here; a plan that never settles is a bug worth a clear error.
            if (replans == MaxReplansPerStep)
                throw new InvalidOperationException($"The BabyAI bot replanned {MaxReplansPerStep} times without choosing an action; plan: {string.Join(" ", Plan)}.");
            suggested = _stack[^1].ReplanBeforeAction();
            if (suggested is not null) break;
        }
        if (_stack.Count == 0) suggested = MiniGridAction.Done;

        RememberCurrentState();
        return (int)suggested!.Value;
    }

    internal void Push(Subgoal subgoal) => _stack.Add(subgoal);

    internal void Pop() => _stack.RemoveAt(_stack.Count - 1);

    internal bool Seen((int X, int Y) position) => _seen[position.Y * _env.Width + position.X];

    private void ProcessInstruction(Instr instruction)
    {
        switch (instruction)
        {
            case GoToInstr goTo:
                Push(new GoNextToSubgoal(this, goTo.Description));
                break;
            case OpenInstr open:
                Push(new OpenSubgoal(this));
                Push(new GoNextToSubgoal(this, open.Description, SubgoalReason.Open));
                break;
            case PickupInstr pickup:
                // Pick up and drop again at once, so that later clauses can carry something else.
                Push(new DropSubgoal(this));
                Push(new PickupSubgoal(this));
                Push(new GoNextToSubgoal(this, pickup.Description));
                break;
            case PutNextInstr putNext:
                Push(new DropSubgoal(this));
                Push(new GoNextToSubgoal(this, putNext.Fixed, SubgoalReason.PutNext));
                Push(new PickupSubgoal(this));
                Push(new GoNextToSubgoal(this, putNext.Move));
                break;
            // The stack runs last-in first: "a then b" and "a and b" push b first.
            case BeforeInstr or AndInstr:
                ProcessInstruction(((SeqInstr)instruction).Second);
                ProcessInstruction(((SeqInstr)instruction).First);
                break;
            case AfterInstr after:
                ProcessInstruction(after.First);
                ProcessInstruction(after.Second);
                break;
            default:
                throw new NotSupportedException($"The BabyAI bot has no plan for a {instruction.GetType().Name}.");
        }
    }

    /// <summary>Python's <c>_process_obs</c>: marks every cell of the agent's current view that it can see.</summary>
    private void ProcessObservation()
    {
        ReadOnlySpan<bool> visible = _env.ComputeVisibilityMask();
        int size = _env.AgentViewSize, half = size / 2;
        (int ax, int ay) = _env.AgentPosition;
        (int dx, int dy) = _env.DirectionVector;
        int rx = -dy, ry = dx;
        for (int j = 0; j < size; j++)
        {
            for (int i = 0; i < size; i++)
            {
                if (!visible[j * size + i]) continue;
                int forward = size - 1 - j, right = i - half;
                int x = ax + dx * forward + rx * right, y = ay + dy * forward + ry * right;
                if ((uint)x < (uint)_env.Width && (uint)y < (uint)_env.Height) _seen[y * _env.Width + x] = true;
            }
        }
    }

    private void CheckErroneousBoxOpening(MiniGridAction? action)
    {
        if (action == MiniGridAction.Toggle && _previousForwardCell is Box)
            throw new DisappearedBoxException("A box was opened. I am not sure I can help now.");
    }

    private void RememberCurrentState()
    {
        PreviousAgentPosition = _env.AgentPosition;
        PreviouslyCarried = _env.Carrying;
        (int fx, int fy) = _env.FrontPosition;
        WorldObject? forward = _env.Grid.Get(fx, fy);
        if (forward is Door door) ForwardDoorWasOpen = door.IsOpen;
        _previousForwardCell = forward;
    }

    /// <summary>
    /// Python's <c>_find_obj_pos</c>: the seen object of the description that is cheapest to reach (a path through
    /// blockers costs 4 more steps, 7 when carrying; being on or, with <paramref name="adjacent"/>, next to it costs
    /// as much as being two cells away), first in the description's order on ties. Reads the description's
    /// positions by index, as Python does, so an object no longer on the grid past the end of the list is skipped.
    /// </summary>
    internal (WorldObject? Object, (int X, int Y)? Position) FindObjectPosition(ObjDesc description, bool adjacent)
    {
        if (description.Objects.Count == 0)
            throw new InvalidOperationException($"The description '{description}' matches no object.");
        int bestDistance = 999;
        (int X, int Y)? bestPosition = null;
        WorldObject? bestObject = null;
        for (int i = 0; i < description.Objects.Count; i++)
        {
            WorldObject candidate = description.Objects[i];
            if (candidate.Type == ObjectType.Wall || ReferenceEquals(candidate, _env.Carrying)) continue;
            if (i >= description.Positions.Count) continue;
            (int X, int Y) position = description.Positions[i];
            if (!Seen(position)) continue;

            (List<(int X, int Y)>? path, _, bool withBlockers) = ShortestPath(At(position), tryWithBlockers: true);
            if (path is null)
                throw new InvalidOperationException($"The bot saw {candidate} at {position} but found no path to it.");
            int distance = path.Count;
            // A lower bound on the steps to clear the way: pick, turn, drop, turn back (and more when carrying).
            if (withBlockers) distance = path.Count + (_env.Carrying is not null ? 7 : 4);
            // Standing on the target (a door): stepping off and turning back takes at least 2 (3) steps.
            if (distance == 0) distance = adjacent ? 3 : 2;
            // Already next to it, but an empty cell next to it is wanted: no better than two cells away.
            if (adjacent && distance == 1) distance = 3;
            if (distance < bestDistance)
            {
                bestDistance = distance;
                bestPosition = position;
                bestObject = candidate;
            }
        }
        return (bestObject, bestPosition);
    }

    internal static CellPredicate At((int X, int Y) target) => (x, y, _) => x == target.X && y == target.Y;

    /// <summary>
    /// Python's <c>_shortest_path</c>: a path (the cells after the agent's, nearest first) to the first cell that
    /// <paramref name="accept"/> takes. It searches around blocking objects first; with
    /// <paramref name="tryWithBlockers"/> it then searches through them from every cell the first search reached,
    /// so the path avoids blockers for as long as it can. Null when nothing was found; empty when the agent's own
    /// cell was accepted.
    /// </summary>
    internal (List<(int X, int Y)>? Path, (int X, int Y)? Finish, bool WithBlockers) ShortestPath(CellPredicate accept, bool tryWithBlockers = false)
    {
        (int ax, int ay) = _env.AgentPosition;
        (int dx, int dy) = _env.DirectionVector;
        _search.Clear();
        _search.Enqueue(ax, ay, dx, dy, NoCell);
        int finish = BreadthFirstSearch(_search, accept, ignoreBlockers: false);
        if (finish != NoCell) return (_search.PathFromStart(finish, null), _search.Position(finish), false);
        if (!tryWithBlockers) return (null, null, false);

        _blockerSearch.Clear();
        foreach (int cell in _search.VisitOrder) _blockerSearch.Enqueue(cell % _env.Width, cell / _env.Width, 1, 0, NoCell);
        finish = BreadthFirstSearch(_blockerSearch, accept, ignoreBlockers: true);
        if (finish == NoCell) return (null, null, true);
        // The blocker search starts from a cell the first search reached: prepend the first search's way there.
        return (_blockerSearch.PathFromStart(finish, _search), _blockerSearch.Position(finish), true);
    }

    /// <summary>
    /// Python's <c>_breadth_first_search</c>: states carry a heading so that cells reachable without turning are
    /// queued first (ahead, then the two sides, then behind). Cells not yet seen, walls, closed doors and — unless
    /// <paramref name="ignoreBlockers"/> — objects are reached but not expanded.
    /// </summary>
    private int BreadthFirstSearch(PathSearch search, CellPredicate accept, bool ignoreBlockers)
    {
        Grid grid = _env.Grid;
        while (search.TryDequeue(out int x, out int y, out int di, out int dj, out int previous))
        {
            if (!search.Visit(x, y, previous)) continue;
            WorldObject? cell = grid.Get(x, y);
            if (accept(x, y, cell)) return y * _env.Width + x;
            if (!_seen[y * _env.Width + x]) continue;
            if (cell is not null)
            {
                if (cell is Wall) continue;
                if (cell is Door door)
                {
                    if (!door.IsOpen) continue;
                }
                else if (!ignoreBlockers)
                {
                    continue;
                }
            }
            int here = y * _env.Width + x;
            search.Enqueue(x + di, y + dj, di, dj, here);
            search.Enqueue(x + dj, y + di, dj, di, here);
            search.Enqueue(x - dj, y - di, -dj, -di, here);
            search.Enqueue(x - di, y - dj, -di, -dj, here);
        }
        return NoCell;
    }

    /// <summary>
    /// Python's <c>_find_drop_pos</c>: the nearest seen empty cell (not the agent's, not <paramref name="except"/>)
    /// where a dropped object blocks nothing — its empty neighbours stay connected and every object next to it keeps
    /// an empty neighbour — else any such empty cell, searching around blockers first, then through them.
    /// </summary>
    /// <exception cref="InvalidOperationException">No seen empty cell is left to drop on.</exception>
    internal (int X, int Y) FindDropPosition((int X, int Y)? except = null)
    {
        (int X, int Y)? drop = ShortestPath(Unblocking).Finish
            ?? ShortestPath(Empty).Finish
            ?? ShortestPath(Unblocking, tryWithBlockers: true).Finish
            ?? ShortestPath(Empty, tryWithBlockers: true).Finish;
        return drop ?? throw new InvalidOperationException("The bot found no seen empty cell to drop an object on.");

        bool Empty(int x, int y, WorldObject? cell)
            => (x, y) != _env.AgentPosition && (x, y) != except && Seen((x, y)) && _env.Grid.Get(x, y) is null;

        bool Unblocking(int x, int y, WorldObject? cell)
        {
            if (!Empty(x, y, cell)) return false;
            // Neighbours clockwise from the top left: 0 empty (or the agent, or an open door), 1 wall, 2 anything
            // else — objects, unseen cells, and `except`, which may soon hold an object.
            Span<int> classes = stackalloc int[8];
            for (int k = 0; k < 8; k++)
            {
                (int ox, int oy) = NeighbourOffsets[k];
                (int X, int Y) neighbour = (x + ox, y + oy);
                WorldObject? content = _env.Grid.Get(neighbour.X, neighbour.Y);
                bool seen = Seen(neighbour);
                if (seen && content is Wall) classes[k] = 1;
                else if (seen && (content is null || content is Door { IsOpen: true } || neighbour == _env.AgentPosition) && neighbour != except) classes[k] = 0;
                else classes[k] = 2;
            }
            // The empty cells stay connected when the ring switches between empty and not at most twice.
            int changes = 0;
            for (int k = 0; k < 8; k++)
                if ((classes[(k + 1) % 8] != 0) != (classes[k] != 0)) changes++;
            for (int k = 0; k < 8; k++)
                if (classes[k] == 2 && classes[(k + 7) % 8] != 0 && classes[(k + 1) % 8] != 0) return false;
            return changes <= 2;
        }
    }

    private static readonly (int X, int Y)[] NeighbourOffsets = [(-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0)];

    /// <summary>
    /// Python's <c>_closest_wall_or_door_given_dir</c>: how many cells from <paramref name="position"/> along
    /// <paramref name="direction"/> the first wall or door is, or the last cell in view when none is in view.
    /// </summary>
    internal int ClosestWallOrDoor((int X, int Y) position, (int X, int Y) direction)
    {
        for (int distance = 1; ; distance++)
        {
            int x = position.X + distance * direction.X, y = position.Y + distance * direction.Y;
            if (!InView(x, y)) return distance - 1;
            if (_env.Grid.Get(x, y) is Wall or Door) return distance;
        }
    }

    /// <summary>Minigrid's <c>in_view</c>: whether (x, y) lies in the agent's square view (occlusion aside).</summary>
    private bool InView(int x, int y)
    {
        (int ax, int ay) = _env.AgentPosition;
        (int dx, int dy) = _env.DirectionVector;
        int rx = -dy, ry = dx, size = _env.AgentViewSize, half = size / 2;
        int tx = ax + dx * (size - 1) - rx * half, ty = ay + dy * (size - 1) - ry * half;
        int lx = x - tx, ly = y - ty;
        int vx = rx * lx + ry * ly, vy = -(dx * lx + dy * ly);
        return vx >= 0 && vy >= 0 && vx < size && vy < size;
    }
}

/// <summary>A search's acceptance test: the cell's position and its true content.</summary>
internal delegate bool CellPredicate(int x, int y, WorldObject? cell);

/// <summary>
/// The buffers of one breadth-first search over the grid: a FIFO queue of (cell, heading, predecessor) states and,
/// per cell, the predecessor through which it was first reached, in the order cells were reached.
/// </summary>
internal sealed class PathSearch
{
    private const int Unreached = -2;

    private readonly int _width;
    private readonly int[] _previous;
    private readonly List<int> _visitOrder;
    private (int X, int Y, int Di, int Dj, int Previous)[] _queue;
    private int _head, _tail;

    public PathSearch(int width, int height)
    {
        _width = width;
        _previous = new int[width * height];
        _visitOrder = new List<int>(width * height);
        // Every reached cell queues at most four states, and a search starts from at most every cell.
        _queue = new (int, int, int, int, int)[5 * width * height];
    }

    /// <summary>Cells (y·width + x) in the order they were reached.</summary>
    public List<int> VisitOrder => _visitOrder;

    public void Clear()
    {
        Array.Fill(_previous, Unreached);
        _visitOrder.Clear();
        _head = _tail = 0;
    }

    public void Enqueue(int x, int y, int di, int dj, int previous)
    {
        if (_tail == _queue.Length) Array.Resize(ref _queue, _queue.Length * 2);
        _queue[_tail++] = (x, y, di, dj, previous);
    }

    public bool TryDequeue(out int x, out int y, out int di, out int dj, out int previous)
    {
        if (_head == _tail)
        {
            x = y = di = dj = previous = 0;
            return false;
        }
        (x, y, di, dj, previous) = _queue[_head++];
        return true;
    }

    /// <summary>Records the first arrival at (x, y); false when the cell was already reached.</summary>
    public bool Visit(int x, int y, int previous)
    {
        int cell = y * _width + x;
        if (_previous[cell] != Unreached) return false;
        _previous[cell] = previous;
        _visitOrder.Add(cell);
        return true;
    }

    public (int X, int Y) Position(int cell) => (cell % _width, cell / _width);

    /// <summary>
    /// The cells from the search's start to <paramref name="finish"/>, without the start. When this search began at
    /// cells another search reached, <paramref name="before"/> supplies the way from that search's start.
    /// </summary>
    public List<(int X, int Y)> PathFromStart(int finish, PathSearch? before)
    {
        var reversed = new List<(int X, int Y)>();
        int cell = finish;
        for (; ; cell = _previous[cell])
        {
            reversed.Add(Position(cell));
            if (_previous[cell] < 0) break;
        }
        if (before is not null)
            for (cell = before._previous[cell]; cell >= 0; cell = before._previous[cell]) reversed.Add(Position(cell));
        reversed.Reverse();
        reversed.RemoveAt(0);
        return reversed;
    }
}
