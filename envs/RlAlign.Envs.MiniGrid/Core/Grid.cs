namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// Minigrid's <c>Grid</c>: a width × height array of cells, each empty (null) or holding one
/// <see cref="WorldObject"/>. Indexed (x, y) with x the column and y the row, as in Python.
/// </summary>
public sealed class Grid
{
    private readonly WorldObject?[] _cells;

    public Grid(int width, int height)
    {
        if (width < 3 || height < 3)
            throw new ArgumentException($"A grid needs at least 3×3 cells, got {width}×{height}.");
        Width = width;
        Height = height;
        _cells = new WorldObject?[width * height];
    }

    public int Width { get; }

    /// <summary>Empties every cell, so that a reset can lay out a new level in the same grid.</summary>
    public void Clear() => Array.Clear(_cells);

    public int Height { get; }

    public WorldObject? Get(int x, int y)
    {
        CheckBounds(x, y);
        return _cells[y * Width + x];
    }

    public void Set(int x, int y, WorldObject? value)
    {
        CheckBounds(x, y);
        _cells[y * Width + x] = value;
    }

    /// <summary>The cell at (x, y), which the caller has already checked is inside the grid.</summary>
    internal WorldObject? GetInBounds(int x, int y) => _cells[y * Width + x];

    public bool Contains(int x, int y) => (uint)x < (uint)Width && (uint)y < (uint)Height;

    /// <summary>A horizontal run of new objects (walls by default); <paramref name="length"/> null runs to the right edge.</summary>
    public void HorizontalWall(int x, int y, int? length = null, Func<WorldObject>? create = null)
    {
        int count = length ?? Width - x;
        for (int i = 0; i < count; i++) Set(x + i, y, create?.Invoke() ?? Wall.Grey);
    }

    /// <summary>A vertical run of new objects (walls by default); <paramref name="length"/> null runs to the bottom edge.</summary>
    public void VerticalWall(int x, int y, int? length = null, Func<WorldObject>? create = null)
    {
        int count = length ?? Height - y;
        for (int j = 0; j < count; j++) Set(x, y + j, create?.Invoke() ?? Wall.Grey);
    }

    public void WallRectangle(int x, int y, int width, int height)
    {
        HorizontalWall(x, y, width);
        HorizontalWall(x, y + height - 1, width);
        VerticalWall(x, y, height);
        VerticalWall(x + width - 1, y, height);
    }

    /// <summary>Python's <c>(color, type) in grid</c>: whether any cell holds an object of that type and colour.</summary>
    public bool ContainsObject(ObjectType type, ObjectColor? color)
    {
        foreach (WorldObject? cell in _cells)
            if (cell is not null && cell.Type == type && (color is null || cell.Color == color)) return true;
        return false;
    }

    public CellEncoding Encode(int x, int y) => Get(x, y)?.Encode() ?? CellEncoding.Empty;

    /// <summary>Writes <c>grid.encode()</c>: shape (width, height, 3) in C order, i.e. x, then y, then channel.</summary>
    public void Encode(Span<byte> destination)
    {
        if (destination.Length < Width * Height * 3)
            throw new ArgumentException($"The encoding of a {Width}×{Height} grid needs {Width * Height * 3} bytes.", nameof(destination));
        for (int x = 0; x < Width; x++)
        {
            for (int y = 0; y < Height; y++)
            {
                CellEncoding cell = Encode(x, y);
                int at = (x * Height + y) * 3;
                destination[at] = cell.Type;
                destination[at + 1] = cell.Color;
                destination[at + 2] = cell.State;
            }
        }
    }

    /// <summary>A deep copy: objects are cloned so the copy can be mutated independently.</summary>
    public Grid Clone()
    {
        var copy = new Grid(Width, Height);
        for (int i = 0; i < _cells.Length; i++) copy._cells[i] = _cells[i]?.Clone();
        return copy;
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(Width);
        writer.Write(Height);
        foreach (WorldObject? cell in _cells) WriteObject(writer, cell);
    }

    internal static Grid Read(BinaryReader reader)
    {
        var grid = new Grid(reader.ReadInt32(), reader.ReadInt32());
        for (int i = 0; i < grid._cells.Length; i++) grid._cells[i] = ReadObject(reader);
        return grid;
    }

    internal static void WriteObject(BinaryWriter writer, WorldObject? value)
    {
        writer.Write(value is not null);
        if (value is null) return;
        writer.Write((byte)value.Type);
        writer.Write((byte)value.Color);
        writer.Write(value.InitialPosition.X);
        writer.Write(value.InitialPosition.Y);
        writer.Write(value.CurrentPosition.X);
        writer.Write(value.CurrentPosition.Y);
        switch (value)
        {
            case Door door:
                writer.Write(door.IsOpen);
                writer.Write(door.IsLocked);
                break;
            case Box box:
                WriteObject(writer, box.Contains);
                break;
        }
    }

    internal static WorldObject? ReadObject(BinaryReader reader)
    {
        if (!reader.ReadBoolean()) return null;
        var type = (ObjectType)reader.ReadByte();
        var color = (ObjectColor)reader.ReadByte();
        var initial = (reader.ReadInt32(), reader.ReadInt32());
        var current = (reader.ReadInt32(), reader.ReadInt32());
        WorldObject value = type switch
        {
            ObjectType.Wall => new Wall(color),
            ObjectType.Floor => new Floor(color),
            ObjectType.Goal => new Goal(),
            ObjectType.Lava => new Lava(),
            ObjectType.Key => new Key(color),
            ObjectType.Ball => new Ball(color),
            ObjectType.Door => new Door(color, reader.ReadBoolean(), reader.ReadBoolean()),
            ObjectType.Box => new Box(color, ReadObject(reader)),
            _ => throw new InvalidDataException($"Saved MiniGrid state holds an object of unknown type {(int)type}."),
        };
        value.InitialPosition = initial;
        value.CurrentPosition = current;
        return value;
    }

    private void CheckBounds(int x, int y)
    {
        if (!Contains(x, y))
            throw new ArgumentOutOfRangeException(nameof(x), $"Cell ({x}, {y}) is outside the {Width}×{Height} grid.");
    }
}
