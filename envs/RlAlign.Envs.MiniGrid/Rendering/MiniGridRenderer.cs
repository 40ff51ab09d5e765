using System.Collections.Concurrent;
using System.Numerics;
using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.Rendering;

/// <summary>
/// Minigrid 3.1's <c>rgb_array</c> look (<c>Grid.render</c>/<c>Grid.render_tile</c>): tiles (32 pixels unless
/// asked otherwise) drawn at 3× and averaged down, with grey grid lines, each object's shape, the agent as a red triangle and the
/// agent's view lightened. Tiles are cached by what decides their pixels, as Minigrid's <c>tile_cache</c>
/// does, so a frame is mostly block copies.
/// </summary>
public static class MiniGridRenderer
{
    /// <summary>Minigrid's <c>TILE_PIXELS</c>.</summary>
    public const int TileSize = 32;

    /// <summary>Minigrid renders each tile at this many sub-pixels per pixel, then averages (anti-aliasing).</summary>
    public const int Subdivisions = 3;

    /// <summary>
    /// Finished tiles as <typeparamref name="TPixel"/> values, keyed by (encoding, agent direction or none,
    /// highlight, tile size): the facts Minigrid's cache key holds. Tiles are drawn as bytes and converted
    /// once per pixel type, so a frame of any type is block copies.
    /// </summary>
    private static class TileCache<TPixel> where TPixel : unmanaged, INumberBase<TPixel>
    {
        public static readonly ConcurrentDictionary<long, TPixel[]> Tiles = new();
    }

    /// <summary>
    /// Renders <paramref name="grid"/> with the agent at <paramref name="agentPosition"/> facing
    /// <paramref name="agentDirection"/>; <paramref name="highlight"/>, indexed y·width + x, marks the cells to lighten.
    /// </summary>
    public static RenderFrame Render(Grid grid, (int X, int Y) agentPosition, int agentDirection, ReadOnlySpan<bool> highlight, int tileSize = TileSize)
    {
        var cells = new CellEncoding[grid.Width * grid.Height];
        for (int y = 0; y < grid.Height; y++)
            for (int x = 0; x < grid.Width; x++) cells[y * grid.Width + x] = grid.Encode(x, y);
        var rgb = new byte[grid.Width * grid.Height * tileSize * tileSize * 3];
        Render<byte>(cells, grid.Width, agentPosition, agentDirection, highlight, tileSize, rgb);
        return new RenderFrame(grid.Width * tileSize, grid.Height * tileSize, rgb);
    }

    /// <summary>
    /// Minigrid's <c>Grid.render</c> into <paramref name="rgb"/> (rows of pixels, 3 values per pixel): the
    /// cells, given by their encodings and indexed y·<paramref name="width"/> + x, each become a
    /// <paramref name="tileSize"/>-pixel tile. An empty <paramref name="highlight"/> lightens nothing.
    /// Allocates nothing once the tiles it needs are cached.
    /// </summary>
    public static void Render<TPixel>(ReadOnlySpan<CellEncoding> cells, int width, (int X, int Y) agentPosition, int agentDirection,
        ReadOnlySpan<bool> highlight, int tileSize, Span<TPixel> rgb) where TPixel : unmanaged, INumberBase<TPixel>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileSize);
        if (width <= 0 || cells.Length % width != 0)
            throw new ArgumentException($"{cells.Length} cells do not make rows of {width}.", nameof(cells));
        int height = cells.Length / width, frameWidth = width * tileSize, rowValues = tileSize * 3;
        if (rgb.Length < cells.Length * tileSize * tileSize * 3)
            throw new ArgumentException($"A {width}×{height} grid at {tileSize} pixels per tile needs {cells.Length * tileSize * tileSize * 3} values; the buffer has {rgb.Length}.", nameof(rgb));
        if (!highlight.IsEmpty && highlight.Length < cells.Length)
            throw new ArgumentException($"The highlight mask has {highlight.Length} cells; the grid has {cells.Length}.", nameof(highlight));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int cell = y * width + x;
                bool agentHere = agentPosition == (x, y);
                TPixel[] tile = CachedTile<TPixel>(cells[cell], agentHere ? agentDirection : -1, !highlight.IsEmpty && highlight[cell], tileSize);
                for (int row = 0; row < tileSize; row++)
                    tile.AsSpan(row * rowValues, rowValues).CopyTo(rgb.Slice(((y * tileSize + row) * frameWidth + x * tileSize) * 3, rowValues));
            }
        }
    }

    /// <summary>One RGB tile (Minigrid's <c>render_tile</c>); <paramref name="agentDirection"/> −1 draws no agent.</summary>
    /// <remarks>A copy, so callers cannot alter the cached tile that later frames are built from.</remarks>
    public static byte[] Tile(WorldObject? cell, int agentDirection, bool highlight, int tileSize = TileSize) =>
        Tile(cell?.Encode() ?? default, agentDirection, highlight, tileSize);

    /// <inheritdoc cref="Tile(WorldObject?, int, bool, int)"/>
    public static byte[] Tile(CellEncoding cell, int agentDirection, bool highlight, int tileSize = TileSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileSize);
        return (byte[])CachedTile<byte>(cell, agentDirection, highlight, tileSize).Clone();
    }

    private static TPixel[] CachedTile<TPixel>(CellEncoding cell, int agentDirection, bool highlight, int tileSize)
        where TPixel : unmanaged, INumberBase<TPixel>
    {
        // Direction −1 maps to 7 so every key stays non-negative and distinct.
        int tileKey = cell.Type | cell.Color << 8 | cell.State << 16 | (agentDirection & 7) << 24 | (highlight ? 1 << 27 : 0);
        long key = (long)tileSize << 32 | (uint)tileKey;
        // The state-passing overload keeps the (usual) cache hit free of a closure allocation.
        return TileCache<TPixel>.Tiles.GetOrAdd(key, static (_, tile) => typeof(TPixel) == typeof(byte)
                ? (TPixel[])(object)DrawTile(tile.cell, tile.agentDirection, tile.highlight, tile.tileSize)
                : Array.ConvertAll(CachedTile<byte>(tile.cell, tile.agentDirection, tile.highlight, tile.tileSize), value => TPixel.CreateTruncating(value)),
            (cell, agentDirection, highlight, tileSize));
    }

    private static byte[] DrawTile(CellEncoding cell, int agentDirection, bool highlight, int tileSize)
    {
        var canvas = new Canvas(tileSize * Subdivisions);
        // Grid lines along the tile's top and left edges.
        canvas.Fill(Shapes.Rect(0, 0.031, 0, 1), 100, 100, 100);
        canvas.Fill(Shapes.Rect(0, 1, 0, 0.031), 100, 100, 100);
        DrawObject(canvas, cell);
        if (agentDirection >= 0)
        {
            Func<double, double, bool> triangle = Shapes.Triangle((0.12, 0.19), (0.87, 0.50), (0.12, 0.81));
            canvas.Fill(Shapes.Rotate(triangle, 0.5, 0.5, 0.5 * Math.PI * agentDirection), 255, 0, 0);
        }
        if (highlight) canvas.Highlight();
        return canvas.Downsample(Subdivisions);
    }

    // Minigrid's STATE_TO_IDX for doors (closed is 1).
    private const byte DoorOpen = 0, DoorLocked = 2;

    /// <summary>Each object's <c>render</c> in Minigrid's world_object.py.</summary>
    /// <remarks>
    /// Drawn from the encoding, which decides every pixel (as the tile cache assumes): unseen, empty and the
    /// agent's own code draw nothing, as Minigrid draws nothing for an empty cell.
    /// </remarks>
    private static void DrawObject(Canvas canvas, CellEncoding cell)
    {
        var type = (ObjectType)cell.Type;
        if (type is ObjectType.Unseen or ObjectType.Empty or ObjectType.Agent) return;
        (byte r, byte g, byte b) = Rgb((ObjectColor)cell.Color);
        switch (type)
        {
            case ObjectType.Goal or ObjectType.Wall:
                canvas.Fill(Shapes.Rect(0, 1, 0, 1), r, g, b);
                break;
            case ObjectType.Floor:
                // Minigrid halves the colour in floats and numpy truncates on the store.
                canvas.Fill(Shapes.Rect(0.031, 1, 0.031, 1), (byte)(r / 2), (byte)(g / 2), (byte)(b / 2));
                break;
            case ObjectType.Lava:
                canvas.Fill(Shapes.Rect(0, 1, 0, 1), 255, 128, 0);
                for (int i = 0; i < 3; i++)
                {
                    double low = 0.3 + 0.2 * i, high = 0.4 + 0.2 * i;
                    canvas.Fill(Shapes.Line(0.1, low, 0.3, high, 0.03), 0, 0, 0);
                    canvas.Fill(Shapes.Line(0.3, high, 0.5, low, 0.03), 0, 0, 0);
                    canvas.Fill(Shapes.Line(0.5, low, 0.7, high, 0.03), 0, 0, 0);
                    canvas.Fill(Shapes.Line(0.7, high, 0.9, low, 0.03), 0, 0, 0);
                }
                break;
            case ObjectType.Door when cell.State == DoorOpen:
                canvas.Fill(Shapes.Rect(0.88, 1.00, 0.00, 1.00), r, g, b);
                canvas.Fill(Shapes.Rect(0.92, 0.96, 0.04, 0.96), 0, 0, 0);
                break;
            case ObjectType.Door when cell.State == DoorLocked:
                canvas.Fill(Shapes.Rect(0.00, 1.00, 0.00, 1.00), r, g, b);
                // 0.45 · colour, truncated to bytes as numpy's store does.
                canvas.Fill(Shapes.Rect(0.06, 0.94, 0.06, 0.94), (byte)(0.45 * r), (byte)(0.45 * g), (byte)(0.45 * b));
                // The key hole.
                canvas.Fill(Shapes.Rect(0.52, 0.75, 0.50, 0.56), r, g, b);
                break;
            case ObjectType.Door:
                canvas.Fill(Shapes.Rect(0.00, 1.00, 0.00, 1.00), r, g, b);
                canvas.Fill(Shapes.Rect(0.04, 0.96, 0.04, 0.96), 0, 0, 0);
                canvas.Fill(Shapes.Rect(0.08, 0.92, 0.08, 0.92), r, g, b);
                canvas.Fill(Shapes.Rect(0.12, 0.88, 0.12, 0.88), 0, 0, 0);
                canvas.Fill(Shapes.Circle(0.75, 0.50, 0.08), r, g, b);
                break;
            case ObjectType.Key:
                canvas.Fill(Shapes.Rect(0.50, 0.63, 0.31, 0.88), r, g, b);
                canvas.Fill(Shapes.Rect(0.38, 0.50, 0.59, 0.66), r, g, b);
                canvas.Fill(Shapes.Rect(0.38, 0.50, 0.81, 0.88), r, g, b);
                canvas.Fill(Shapes.Circle(0.56, 0.28, 0.190), r, g, b);
                canvas.Fill(Shapes.Circle(0.56, 0.28, 0.064), 0, 0, 0);
                break;
            case ObjectType.Ball:
                canvas.Fill(Shapes.Circle(0.5, 0.5, 0.31), r, g, b);
                break;
            case ObjectType.Box:
                canvas.Fill(Shapes.Rect(0.12, 0.88, 0.12, 0.88), r, g, b);
                canvas.Fill(Shapes.Rect(0.18, 0.82, 0.18, 0.82), 0, 0, 0);
                canvas.Fill(Shapes.Rect(0.16, 0.84, 0.47, 0.53), r, g, b);
                break;
        }
    }

    /// <summary>Minigrid's <c>COLORS</c>.</summary>
    public static (byte R, byte G, byte B) Rgb(ObjectColor color) => color switch
    {
        ObjectColor.Red => (255, 0, 0),
        ObjectColor.Green => (0, 255, 0),
        ObjectColor.Blue => (0, 0, 255),
        ObjectColor.Purple => (112, 39, 195),
        ObjectColor.Yellow => (255, 255, 0),
        ObjectColor.Grey => (100, 100, 100),
        _ => throw new ArgumentOutOfRangeException(nameof(color), color, null),
    };

    /// <summary>A square RGB sub-pixel image that shapes are filled into, as Minigrid's <c>fill_coords</c>.</summary>
    private sealed class Canvas(int size)
    {
        private readonly byte[] _pixels = new byte[size * size * 3];

        /// <summary>Sets every pixel whose centre, in [0, 1] tile coordinates, lies in <paramref name="shape"/>.</summary>
        public void Fill(Func<double, double, bool> shape, byte r, byte g, byte b)
        {
            for (int y = 0; y < size; y++)
            {
                double yf = (y + 0.5) / size;
                for (int x = 0; x < size; x++)
                {
                    if (!shape((x + 0.5) / size, yf)) continue;
                    int at = (y * size + x) * 3;
                    _pixels[at] = r;
                    _pixels[at + 1] = g;
                    _pixels[at + 2] = b;
                }
            }
        }

        /// <summary>Minigrid's <c>highlight_img</c>: <c>img + 0.3·(255 − img)</c>, truncated to a byte.</summary>
        public void Highlight()
        {
            for (int i = 0; i < _pixels.Length; i++)
                _pixels[i] = (byte)Math.Clamp(_pixels[i] + 0.3 * (255 - _pixels[i]), 0, 255);
        }

        /// <summary>
        /// Minigrid's <c>downsample</c>: the mean over each factor×factor block, taken across columns then rows
        /// in float64, then truncated when numpy stores it into the uint8 frame.
        /// </summary>
        public byte[] Downsample(int factor)
        {
            int small = size / factor;
            var result = new byte[small * small * 3];
            for (int y = 0; y < small; y++)
            {
                for (int x = 0; x < small; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        double rows = 0;
                        for (int dy = 0; dy < factor; dy++)
                        {
                            double columns = 0;
                            for (int dx = 0; dx < factor; dx++)
                                columns += _pixels[((y * factor + dy) * size + x * factor + dx) * 3 + c];
                            rows += columns / factor;
                        }
                        result[(y * small + x) * 3 + c] = (byte)(rows / factor);
                    }
                }
            }
            return result;
        }
    }
}
