using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid;

/// <summary>Minigrid's action set; every MiniGrid env takes these integers.</summary>
public enum MiniGridAction
{
    Left = 0,
    Right = 1,
    Forward = 2,
    Pickup = 3,
    Drop = 4,
    Toggle = 5,
    Done = 6,
}

/// <summary>Thrown when rejection sampling cannot place an object within its number of tries.</summary>
public sealed class PlacementFailedException(string message) : InvalidOperationException(message);

/// <summary>
/// Farama Minigrid's <c>MiniGridEnv</c> (<c>minigrid/minigrid_env.py</c>, version 3.1): the grid, the agent's
/// pose and carried object, the seven actions, the egocentric partial view and the generation helpers.
/// Subclasses build the layout in <see cref="GenerateGrid"/> with the same generator calls, in the same
/// order, as the Python env, so a seed gives the same layout.
/// </summary>
/// <remarks>
/// The observation is Gymnasium's <c>Dict(direction: Discrete(4), image: Box(0, 255, (v, v, 3), uint8),
/// mission: Text)</c>, flattened in sorted key order: direction, then the image in C order
/// (<c>image[i][j][channel]</c>, i the view column, j the view row), then the mission as charset indices.
/// </remarks>
public abstract class MiniGridEnv : IEnv, IStateful
{
    /// <summary>Characters a mission may use; Minigrid missions are lower-case English with commas.</summary>
    public const string MissionCharset = " ,.'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>The longest mission the flat observation holds unless an env asks for more (BabyAI does).</summary>
    public const int MissionMaxLength = 256;

    /// <summary>
    /// Minigrid retries forever by default (<c>max_tries=math.inf</c>); this bound turns a layout that can
    /// never be completed into an error instead of a hang, and is far above what any real layout needs.
    /// </summary>
    public const int DefaultMaxTries = 1_000_000;

    private static readonly (int X, int Y)[] DirectionVectors = [(1, 0), (0, 1), (-1, 0), (0, -1)];

    private readonly Text _missionSpace;
    private readonly int _directionOffset, _imageOffset, _missionOffset;
    private readonly float[] _missionEncoding;
    private readonly CellEncoding[] _viewCells;
    private readonly bool[] _viewOpaque;
    private readonly bool[] _visible;

    // Reused by WriteFrame so that rendering observations allocates nothing.
    private readonly CellEncoding[] _frameViewCells, _frameGridCells;
    private readonly bool[] _frameHighlight;

    // Cells outside the grid read as grey walls (Python's Grid.slice creates a new Wall() for each).
    private static readonly CellEncoding OutsideWall = new((byte)ObjectType.Wall, (byte)ObjectColor.Grey, 0);

    private NumpyGenerator? _random;
    private string _mission;
    private bool _hasReset;
    private int _maxSteps;

    protected MiniGridEnv(string defaultId, int width, int height, int maxSteps, bool seeThroughWalls, int agentViewSize = 7, int actionCount = 7,
        int missionMaxLength = MissionMaxLength)
    {
        if (agentViewSize < 3 || agentViewSize % 2 == 0)
            throw new ArgumentException($"{defaultId}: agent_view_size must be odd and at least 3, got {agentViewSize}.", nameof(agentViewSize));
        if (width < 3 || height < 3)
            throw new ArgumentException($"{defaultId}: the grid must be at least 3×3, got {width}×{height}.");
        if (maxSteps <= 0)
            throw new ArgumentException($"{defaultId}: max_steps must be positive, got {maxSteps}.", nameof(maxSteps));
        DefaultId = defaultId;
        Width = width;
        Height = height;
        MaxSteps = maxSteps;
        SeeThroughWalls = seeThroughWalls;
        AgentViewSize = agentViewSize;
        Grid = new Grid(width, height);
        _viewCells = new CellEncoding[agentViewSize * agentViewSize];
        _viewOpaque = new bool[agentViewSize * agentViewSize];
        _visible = new bool[agentViewSize * agentViewSize];
        _frameViewCells = new CellEncoding[agentViewSize * agentViewSize];
        _frameGridCells = new CellEncoding[width * height];
        _frameHighlight = new bool[width * height];

        // Min length 0: Playground's mission is the empty string.
        _missionSpace = new Text(missionMaxLength, 0, MissionCharset);
        _missionEncoding = new float[missionMaxLength];
        var observationSpace = new DictSpace(
            ("image", new BoxSpace(0, 255, [agentViewSize, agentViewSize, 3], DType.UInt8)),
            ("direction", new Discrete(4)),
            ("mission", _missionSpace));
        ObservationSpace = observationSpace;
        ActionSpace = new Discrete(actionCount);
        _directionOffset = observationSpace.OffsetOf("direction");
        _imageOffset = observationSpace.OffsetOf("image");
        _missionOffset = observationSpace.OffsetOf("mission");
        Mission = _mission = "";
    }

    public Space ObservationSpace { get; }
    public Space ActionSpace { get; }
    public EnvSpec? Spec { get; set; }
    public IEnv Unwrapped => this;

    public int Width { get; }
    public int Height { get; }

    /// <summary>The step at which the env truncates itself (Python's <c>max_steps</c>).</summary>
    public int MaxSteps
    {
        get => _maxSteps;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxSteps));
            _maxSteps = value;
        }
    }

    public bool SeeThroughWalls { get; }
    public int AgentViewSize { get; }

    public Grid Grid { get; protected set; }

    /// <summary>
    /// An empty grid for a new layout: the current one, cleared, when it has this size (so that resets do
    /// not allocate a grid each time), or a new one. Code that keeps a reference to <see cref="Grid"/>
    /// across a reset sees the new level; take a <see cref="Grid.Clone"/> to keep an old one.
    /// </summary>
    protected Grid EmptyGrid(int width, int height)
    {
        if (Grid is { } grid && grid.Width == width && grid.Height == height)
        {
            grid.Clear();
            return grid;
        }
        return new Grid(width, height);
    }
    public (int X, int Y) AgentPosition { get; set; } = (-1, -1);

    /// <summary>0 = right (+x), 1 = down (+y), 2 = left (−x), 3 = up (−y).</summary>
    public int AgentDirection { get; set; } = -1;

    public WorldObject? Carrying { get; set; }
    public int StepCount { get; private set; }

    /// <summary>The env generator (Gymnasium's <c>np_random</c>), or null before the first reset.</summary>
    public NumpyGenerator? Generator => _random;

    /// <summary>The mission string (the observation's <c>mission</c>).</summary>
    public string Mission
    {
        get => _mission;
        protected set
        {
            _missionSpace.Encode(value, _missionEncoding);
            _mission = value;
        }
    }

    /// <summary>Where the image starts in a flat observation.</summary>
    public int ImageOffset => _imageOffset;
    public int DirectionOffset => _directionOffset;
    public int MissionOffset => _missionOffset;

    public (int X, int Y) DirectionVector => DirectionVectors[AgentDirection];
    public (int X, int Y) FrontPosition => (AgentPosition.X + DirectionVector.X, AgentPosition.Y + DirectionVector.Y);

    protected string DisplayName => Spec?.Id ?? DefaultId;
    private string DefaultId { get; }

    protected NumpyGenerator Random => _random ?? throw new InvalidOperationException($"{DisplayName}: call Reset before drawing random numbers.");

    public void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        EnsureObservationBuffer(observation);
        // Gymnasium's Env.reset: a seed re-creates np_random; without one the generator keeps going.
        if (seed is ulong value) _random = NumpyGenerator.FromSeed(value);
        _random ??= NumpyGenerator.FromSeed((ulong)System.Random.Shared.NextInt64());

        AgentPosition = (-1, -1);
        AgentDirection = -1;
        GenerateGrid(Width, Height);
        if (AgentPosition.X < 0 || AgentPosition.Y < 0 || AgentDirection is < 0 or > 3)
            throw new InvalidOperationException($"{DisplayName}: the layout generator did not place the agent.");
        WorldObject? start = Grid.Get(AgentPosition.X, AgentPosition.Y);
        if (start is not null && !start.CanOverlap)
            throw new InvalidOperationException($"{DisplayName}: the agent starts on a {start}.");
        Carrying = null;
        StepCount = 0;
        _hasReset = true;
        WriteObservation(observation);
        AfterReset();
    }

    /// <summary>
    /// Runs at the end of <see cref="Reset"/>, after the observation is written: what a Python env does in its
    /// own <c>reset</c> after <c>super().reset()</c> (BabyAI resets its verifier and recomputes <c>max_steps</c>).
    /// </summary>
    protected virtual void AfterReset() { }

    /// <summary>Runs after <see cref="OverlayRecordedState"/> replaced the grid, so an env can re-resolve the objects it tracks.</summary>
    protected virtual void AfterRecordedStateOverlaid() { }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (!_hasReset) throw new InvalidOperationException($"{DisplayName}: call Reset before Step.");
        EnsureObservationBuffer(observation);
        StepResult result = StepCore(ReadAction(action));
        WriteObservation(observation);
        return result;
    }

    /// <summary>Python's <c>step</c>; envs with task logic override it and call the base.</summary>
    protected virtual StepResult StepCore(MiniGridAction action)
    {
        StepCount++;
        double reward = 0;
        bool terminated = false;
        (int fx, int fy) = FrontPosition;
        WorldObject? front = Grid.Get(fx, fy);

        switch (action)
        {
            case MiniGridAction.Left:
                AgentDirection = (AgentDirection + 3) % 4;
                break;
            case MiniGridAction.Right:
                AgentDirection = (AgentDirection + 1) % 4;
                break;
            case MiniGridAction.Forward:
                if (front is null || front.CanOverlap) AgentPosition = (fx, fy);
                if (front is Goal)
                {
                    terminated = true;
                    reward = SuccessReward();
                }
                if (front is Lava) terminated = true;
                break;
            case MiniGridAction.Pickup:
                if (front is not null && front.CanPickup && Carrying is null)
                {
                    Carrying = front;
                    Carrying.CurrentPosition = (-1, -1);
                    Grid.Set(fx, fy, null);
                }
                break;
            case MiniGridAction.Drop:
                if (front is null && Carrying is not null)
                {
                    Grid.Set(fx, fy, Carrying);
                    Carrying.CurrentPosition = (fx, fy);
                    Carrying = null;
                }
                break;
            case MiniGridAction.Toggle:
                front?.Toggle(this, fx, fy);
                break;
            case MiniGridAction.Done:
                break;
        }

        // Truncation is the base class's, on every step, independent of termination (both can be true).
        return new StepResult(reward, terminated, StepCount >= MaxSteps);
    }

    /// <summary>Builds the layout and places the agent, drawing from <see cref="Random"/> as Python does.</summary>
    protected abstract void GenerateGrid(int width, int height);

    /// <summary>Minigrid's <c>_reward</c>: <c>1 - 0.9 * (step_count / max_steps)</c> in float64.</summary>
    protected double SuccessReward() => 1.0 - 0.9 * ((double)StepCount / MaxSteps);

    /// <summary>Writes the current observation (Python's <c>gen_obs</c>) into a flat buffer.</summary>
    public void WriteObservation(Span<float> observation)
    {
        EnsureObservationBuffer(observation);
        observation[_directionOffset] = AgentDirection;
        ComputeView();
        int size = AgentViewSize, half = size / 2;
        Span<float> image = observation.Slice(_imageOffset, size * size * 3);
        // The agent sees what it carries in its own cell (and nothing of the floor under it).
        _viewCells[(size - 1) * size + half] = Carrying?.Encode() ?? CellEncoding.Empty;
        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j < size; j++)
            {
                int view = j * size + i;
                CellEncoding encoding = _visible[view] ? _viewCells[view] : default;
                int at = (i * size + j) * 3;
                image[at] = encoding.Type;
                image[at + 1] = encoding.Color;
                image[at + 2] = encoding.State;
            }
        }
        _missionEncoding.CopyTo(observation.Slice(_missionOffset, _missionEncoding.Length));
    }

    /// <summary>
    /// Whether <see cref="Render"/> and full-grid frames lighten the cells the agent sees (Minigrid's
    /// <c>highlight</c> constructor argument, on by default).
    /// </summary>
    public bool Highlight { get; set; } = true;

    /// <summary>
    /// Minigrid's <c>rgb_array</c> frame (<c>render</c>, i.e. <c>get_frame(self.highlight, 32)</c>): 32-pixel tiles,
    /// with the cells the agent sees lightened when <see cref="Highlight"/> is on. Null before the first
    /// reset, when there is no agent to draw.
    /// </summary>
    public RenderFrame? Render()
    {
        if (!_hasReset) return null;
        (int width, int height) = FrameSize(Rendering.MiniGridRenderer.TileSize);
        var rgb = new byte[width * height * 3];
        WriteFrame<byte>(rgb, Rendering.MiniGridRenderer.TileSize, Highlight);
        return new RenderFrame(width, height, rgb);
    }

    /// <summary>The (width, height) in pixels of a frame from <see cref="WriteFrame"/>.</summary>
    public (int Width, int Height) FrameSize(int tileSize, bool agentPov = false)
        => agentPov ? (AgentViewSize * tileSize, AgentViewSize * tileSize) : (Width * tileSize, Height * tileSize);

    /// <summary>
    /// Minigrid's <c>get_frame(highlight, tile_size, agent_pov)</c>, written into <paramref name="rgb"/> as rows of
    /// pixels, 3 values each (<see cref="FrameSize"/> gives the size). The full frame (<c>get_full_render</c>) draws
    /// the grid and the agent, lightening the cells in view when <paramref name="highlight"/> is set; the agent's
    /// view (<c>get_pov_render</c>, which ignores <paramref name="highlight"/>) draws what the observation sees,
    /// with the agent at the bottom centre facing up, the cells in view lightened and the others left empty.
    /// Allocates nothing once the tiles it needs are cached.
    /// </summary>
    public void WriteFrame<TPixel>(Span<TPixel> rgb, int tileSize, bool highlight = true, bool agentPov = false)
        where TPixel : unmanaged, System.Numerics.INumberBase<TPixel>
    {
        if (!_hasReset) throw new InvalidOperationException($"{DisplayName}: call Reset before rendering.");
        ComputeView();
        int size = AgentViewSize, half = size / 2;
        if (agentPov)
        {
            // gen_obs_grid's view: cells out of view are cleared, and the agent's own cell shows what it carries.
            for (int view = 0; view < _viewCells.Length; view++)
                _frameViewCells[view] = _visible[view] ? _viewCells[view] : CellEncoding.Empty;
            _frameViewCells[(size - 1) * size + half] = Carrying?.Encode() ?? CellEncoding.Empty;
            Rendering.MiniGridRenderer.Render(_frameViewCells, size, (half, size - 1), 3, _visible, tileSize, rgb);
            return;
        }

        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++) _frameGridCells[y * Width + x] = Grid.Encode(x, y);
        if (!highlight)
        {
            Rendering.MiniGridRenderer.Render(_frameGridCells, Width, AgentPosition, AgentDirection, [], tileSize, rgb);
            return;
        }

        // Map each visible view cell back to the world, as get_full_render does, skipping cells off the grid.
        (int dx, int dy) = DirectionVector;
        int rx = -dy, ry = dx;
        (int ax, int ay) = AgentPosition;
        _frameHighlight.AsSpan().Clear();
        for (int j = 0; j < size; j++)
        {
            int forward = size - 1 - j;
            for (int i = 0; i < size; i++)
            {
                if (!_visible[j * size + i]) continue;
                int x = ax + dx * forward + rx * (i - half);
                int y = ay + dy * forward + ry * (i - half);
                if (Grid.Contains(x, y)) _frameHighlight[y * Width + x] = true;
            }
        }
        Rendering.MiniGridRenderer.Render(_frameGridCells, Width, AgentPosition, AgentDirection, _frameHighlight, tileSize, rgb);
    }

    /// <summary>The observation image as <c>[i, j, channel]</c> bytes (i the view column, j the view row).</summary>
    public byte[] ObservationImage()
    {
        var observation = new float[ObservationSpace.FlatSize];
        WriteObservation(observation);
        int length = AgentViewSize * AgentViewSize * 3;
        var image = new byte[length];
        for (int k = 0; k < length; k++) image[k] = (byte)observation[_imageOffset + k];
        return image;
    }

    /// <summary>
    /// The visibility mask of Python's <c>gen_obs_grid</c> for the current pose: view cell (i, j) — the agent at
    /// (v/2, v−1) facing row 0 — is visible when element [j·v + i] is true. Valid until the view is next computed.
    /// </summary>
    internal ReadOnlySpan<bool> ComputeVisibilityMask()
    {
        ComputeView();
        return _visible;
    }

    /// <summary>
    /// Fills the view (Python's <c>gen_obs_grid</c> without building a new grid): view cell (i, j), with the
    /// agent at (v/2, v−1) facing row 0, is world cell agent + forward·(v−1−j) + right·(i−v/2); cells off
    /// the grid read as grey walls. Then Minigrid's <c>process_vis</c> decides visibility, sweeping rows
    /// from the agent's outward. Encodings and opacity are stored as values, so this writes no references.
    /// </summary>
    private void ComputeView()
    {
        int size = AgentViewSize, half = size / 2;
        (int dx, int dy) = DirectionVector;
        int rx = -dy, ry = dx;
        (int ax, int ay) = AgentPosition;
        for (int j = 0; j < size; j++)
        {
            int forward = size - 1 - j;
            for (int i = 0; i < size; i++)
            {
                int x = ax + dx * forward + rx * (i - half);
                int y = ay + dy * forward + ry * (i - half);
                int view = j * size + i;
                if (!Grid.Contains(x, y))
                {
                    _viewCells[view] = OutsideWall;
                    _viewOpaque[view] = true;
                }
                else if (Grid.GetInBounds(x, y) is WorldObject cell)
                {
                    _viewCells[view] = cell.Encode();
                    _viewOpaque[view] = !cell.SeeBehind;
                }
                else
                {
                    _viewCells[view] = CellEncoding.Empty;
                    _viewOpaque[view] = false;
                }
            }
        }

        if (SeeThroughWalls)
        {
            _visible.AsSpan().Fill(true);
            return;
        }
        _visible.AsSpan().Clear();
        _visible[(size - 1) * size + half] = true;
        for (int j = size - 1; j >= 0; j--)
        {
            for (int i = 0; i < size - 1; i++)
            {
                int view = j * size + i;
                if (!_visible[view] || _viewOpaque[view]) continue;
                _visible[view + 1] = true;
                if (j > 0)
                {
                    _visible[view - size + 1] = true;
                    _visible[view - size] = true;
                }
            }
            for (int i = size - 1; i >= 1; i--)
            {
                int view = j * size + i;
                if (!_visible[view] || _viewOpaque[view]) continue;
                _visible[view - 1] = true;
                if (j > 0)
                {
                    _visible[view - size - 1] = true;
                    _visible[view - size] = true;
                }
            }
        }
    }

    // ---- Generation helpers: each draws exactly what its Python namesake draws. ----

    /// <summary><c>_rand_int(low, high)</c>: an integer in [low, high).</summary>
    protected int RandomInt(int low, int high) => (int)Random.Integers(low, high);

    /// <summary><c>_rand_float(low, high)</c>.</summary>
    protected double RandomFloat(double low, double high) => Random.Uniform(low, high);

    /// <summary><c>_rand_bool()</c>: <c>integers(0, 2) == 0</c>.</summary>
    protected bool RandomBool() => Random.Integers(0, 2) == 0;

    /// <summary><c>_rand_elem(iterable)</c>: <c>lst[_rand_int(0, len(lst))]</c>.</summary>
    protected T RandomElement<T>(IReadOnlyList<T> items)
    {
        if (items.Count == 0) throw new ArgumentException("Cannot pick from an empty list.", nameof(items));
        return items[RandomInt(0, items.Count)];
    }

    /// <summary><c>_rand_subset(iterable, n)</c>: n draws without replacement, each removing the pick.</summary>
    protected List<T> RandomSubset<T>(IEnumerable<T> items, int count)
    {
        var remaining = items.ToList();
        if (count > remaining.Count) throw new ArgumentException($"Cannot pick {count} of {remaining.Count} elements.", nameof(count));
        var picked = new List<T>(count);
        while (picked.Count < count)
        {
            T element = RandomElement(remaining);
            remaining.Remove(element);
            picked.Add(element);
        }
        return picked;
    }

    /// <summary><c>_rand_color()</c>: a pick from the alphabetical <c>COLOR_NAMES</c>.</summary>
    protected ObjectColor RandomColor() => RandomElement(ObjectColors.Names);

    /// <summary><c>_rand_pos(xLow, xHigh, yLow, yHigh)</c>: x drawn before y.</summary>
    protected (int X, int Y) RandomPosition(int xLow, int xHigh, int yLow, int yHigh)
    {
        int x = RandomInt(xLow, xHigh);
        int y = RandomInt(yLow, yHigh);
        return (x, y);
    }

    /// <summary>
    /// <c>place_obj</c>: rejection-samples an empty cell (not the agent's, not rejected by
    /// <paramref name="reject"/>) in the rectangle, drawing x then y each try, and puts
    /// <paramref name="value"/> there (null places nothing, as <c>place_agent</c> uses it).
    /// </summary>
    /// <exception cref="PlacementFailedException">More than <paramref name="maxTries"/> tries failed.</exception>
    public (int X, int Y) PlaceObject(WorldObject? value, (int X, int Y)? top = null, (int Width, int Height)? size = null,
        Func<MiniGridEnv, (int X, int Y), bool>? reject = null, int maxTries = DefaultMaxTries)
    {
        if (TryPlaceObject(value, out (int X, int Y) position, top, size, reject, maxTries)) return position;
        throw new PlacementFailedException($"{DisplayName}: rejection sampling failed to place {value?.ToString() ?? "the agent"} after {maxTries} tries.");
    }

    /// <inheritdoc cref="PlaceObject"/>
    /// <returns>False, with all tries' draws consumed, when no try succeeded.</returns>
    public bool TryPlaceObject(WorldObject? value, out (int X, int Y) position, (int X, int Y)? top = null, (int Width, int Height)? size = null,
        Func<MiniGridEnv, (int X, int Y), bool>? reject = null, int maxTries = DefaultMaxTries)
    {
        (int topX, int topY) = top is { } t ? (Math.Max(t.X, 0), Math.Max(t.Y, 0)) : (0, 0);
        (int sizeX, int sizeY) = size ?? (Grid.Width, Grid.Height);
        // Python raises once num_tries > max_tries, i.e. after max_tries + 1 attempts.
        for (long tries = 0; tries <= maxTries; tries++)
        {
            int x = RandomInt(topX, Math.Min(topX + sizeX, Grid.Width));
            int y = RandomInt(topY, Math.Min(topY + sizeY, Grid.Height));
            if (Grid.Get(x, y) is not null) continue;
            if ((x, y) == AgentPosition) continue;
            if (reject is not null && reject(this, (x, y))) continue;
            Grid.Set(x, y, value);
            if (value is not null)
            {
                value.InitialPosition = (x, y);
                value.CurrentPosition = (x, y);
            }
            position = (x, y);
            return true;
        }
        position = (-1, -1);
        return false;
    }

    /// <summary><c>put_obj</c>: puts <paramref name="value"/> at (x, y) and records its position.</summary>
    public void PutObject(WorldObject value, int x, int y)
    {
        Grid.Set(x, y, value);
        value.InitialPosition = (x, y);
        value.CurrentPosition = (x, y);
    }

    /// <summary><c>place_agent</c>: a random free cell, then (by default) a random direction.</summary>
    public (int X, int Y) PlaceAgent((int X, int Y)? top = null, (int Width, int Height)? size = null, bool randomDirection = true, int maxTries = DefaultMaxTries)
    {
        AgentPosition = (-1, -1);
        (int X, int Y) position = PlaceObject(null, top, size, maxTries: maxTries);
        AgentPosition = position;
        if (randomDirection) AgentDirection = RandomInt(0, 4);
        return position;
    }

    // ---- State ----

    public void SaveState(BinaryWriter writer)
    {
        writer.Write(_random is not null);
        _random?.SaveState(writer);
        writer.Write(_hasReset);
        Grid.Write(writer);
        writer.Write(AgentPosition.X);
        writer.Write(AgentPosition.Y);
        writer.Write(AgentDirection);
        Grid.WriteObject(writer, Carrying);
        writer.Write(StepCount);
        writer.Write(MaxSteps);
        writer.Write(_mission);
        SaveExtraState(writer);
    }

    public void LoadState(BinaryReader reader)
    {
        NumpyGenerator? random = null;
        if (reader.ReadBoolean())
        {
            random = NumpyGenerator.FromSeed(0);
            random.LoadState(reader);
        }
        bool hasReset = reader.ReadBoolean();
        Grid grid = Grid.Read(reader);
        if (grid.Width != Width || grid.Height != Height)
            throw new InvalidDataException($"{DisplayName}: saved grid is {grid.Width}×{grid.Height}, this env's is {Width}×{Height}.");
        _random = random;
        _hasReset = hasReset;
        Grid = grid;
        AgentPosition = (reader.ReadInt32(), reader.ReadInt32());
        AgentDirection = reader.ReadInt32();
        Carrying = Grid.ReadObject(reader);
        StepCount = reader.ReadInt32();
        MaxSteps = reader.ReadInt32();
        Mission = reader.ReadString();
        LoadExtraState(reader);
    }

    /// <summary>
    /// Puts a recorded state over the current one, for replaying a trace from its recorded grid rather than
    /// from the layout this port generated: each cell whose encoding differs from <paramref name="gridEncoding"/>
    /// (x, then y, then channel) gets the decoded object; cells that already match keep their object, so the
    /// env's references to its objects (targets, moving obstacles, box contents) stay valid where the layouts agree.
    /// </summary>
    public void OverlayRecordedState(ReadOnlySpan<byte> gridEncoding, (int X, int Y) agentPosition, int agentDirection,
        CellEncoding? carrying, int stepCount, Pcg64State generatorState)
    {
        if (gridEncoding.Length != Width * Height * 3)
            throw new ArgumentException($"{DisplayName}: a {Width}×{Height} grid encodes to {Width * Height * 3} bytes, got {gridEncoding.Length}.", nameof(gridEncoding));
        for (int x = 0; x < Width; x++)
        {
            for (int y = 0; y < Height; y++)
            {
                ReadOnlySpan<byte> cell = gridEncoding.Slice((x * Height + y) * 3, 3);
                var recorded = new CellEncoding(cell[0], cell[1], cell[2]);
                if (Grid.Encode(x, y) == recorded) continue;
                WorldObject? value = WorldObject.Decode(recorded);
                if (value is not null) value.CurrentPosition = value.InitialPosition = (x, y);
                Grid.Set(x, y, value);
            }
        }
        if (Carrying?.Encode() != carrying)
            Carrying = carrying is { } encoding ? WorldObject.Decode(encoding) : null;
        AgentPosition = agentPosition;
        AgentDirection = agentDirection;
        StepCount = stepCount;
        _random = NumpyGenerator.FromState(generatorState);
        _hasReset = true;
        AfterRecordedStateOverlaid();
    }

    /// <summary>
    /// Writes which object an env tracks (a target, a door) so that <see cref="ReadReference"/> can find it
    /// again in the restored grid: the carried object, a grid cell, or a detached copy.
    /// </summary>
    protected void WriteReference(BinaryWriter writer, WorldObject? value)
    {
        if (value is null)
        {
            writer.Write((byte)0);
            return;
        }
        if (ReferenceEquals(value, Carrying))
        {
            writer.Write((byte)1);
            return;
        }
        for (int y = 0; y < Grid.Height; y++)
        {
            for (int x = 0; x < Grid.Width; x++)
            {
                if (!ReferenceEquals(Grid.Get(x, y), value)) continue;
                writer.Write((byte)2);
                writer.Write(x);
                writer.Write(y);
                return;
            }
        }
        writer.Write((byte)3);
        Grid.WriteObject(writer, value);
    }

    /// <summary>Reads what <see cref="WriteReference"/> wrote, after the grid and carried object are restored.</summary>
    protected WorldObject? ReadReference(BinaryReader reader) => reader.ReadByte() switch
    {
        0 => null,
        1 => Carrying,
        2 => Grid.Get(reader.ReadInt32(), reader.ReadInt32()),
        3 => Grid.ReadObject(reader),
        byte other => throw new InvalidDataException($"{DisplayName}: unknown object reference kind {other} in saved state."),
    };

    /// <summary>Saves env-specific state (e.g. which grid objects an env tracks, by position).</summary>
    protected virtual void SaveExtraState(BinaryWriter writer) { }
    protected virtual void LoadExtraState(BinaryReader reader) { }

    public void Dispose() => GC.SuppressFinalize(this);

    private MiniGridAction ReadAction(ReadOnlySpan<float> action)
    {
        // Every MiniGrid env accepts the 7 raw actions (Dynamic-Obstacles maps 3..6 to left itself);
        // Python raises ValueError for anything else.
        if (action.Length != 1 || action[0] is < 0 or > 6 || action[0] != MathF.Floor(action[0]))
            throw new ArgumentException($"{DisplayName} action must be one integer 0..6 (left, right, forward, pickup, drop, toggle, done).", nameof(action));
        return (MiniGridAction)(int)action[0];
    }

    private void EnsureObservationBuffer(Span<float> observation)
    {
        if (observation.Length < ObservationSpace.FlatSize)
            throw new ArgumentException($"{DisplayName} observation buffer has {observation.Length} floats; {ObservationSpace} needs {ObservationSpace.FlatSize}.", nameof(observation));
    }
}
