using RlAlign.Core;
using RlAlign.Core.Rendering;

namespace RlAlign.Envs.MiniGrid.Wfc;

/// <summary>
/// An RGB source image for wave function collapse (Python: <c>imread(pattern_path)[:, :, :3]</c>), indexed
/// [row, column]. In the generated level a pixel whose red channel is 0 is a wall, any other is floor; every
/// distinct colour is its own tile, so colours other than black and white still shape the patterns.
/// </summary>
public sealed class WfcPatternImage
{
    private readonly byte[] _rgb;

    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="rgb">Row-major pixels, three bytes (red, green, blue) each.</param>
    public WfcPatternImage(int width, int height, byte[] rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (width < 1 || height < 1)
            throw new ArgumentException($"A WFC pattern image needs at least one pixel, got {width}×{height}.");
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"A {width}×{height} RGB image has {width * height * 3} bytes, got {rgb.Length}.", nameof(rgb));
        Width = width;
        Height = height;
        _rgb = (byte[])rgb.Clone();
    }

    public int Width { get; }
    public int Height { get; }

    public (byte R, byte G, byte B) this[int row, int column]
    {
        get
        {
            int i = (row * Width + column) * 3;
            return (_rgb[i], _rgb[i + 1], _rgb[i + 2]);
        }
    }

    /// <summary>
    /// The image in the PNG file at <paramref name="path"/>, e.g. one of Minigrid's
    /// <c>minigrid/envs/wfc/patterns/*.png</c>: palette images become their palette colours and alpha is
    /// dropped, as <c>imread(path)[:, :, :3]</c> does; greyscale becomes three equal channels (see
    /// <see cref="PngReader"/> for what else it reads and rejects).
    /// </summary>
    public static WfcPatternImage Load(string path)
    {
        RenderFrame frame = PngReader.Load(path);
        return new WfcPatternImage(frame.Width, frame.Height, frame.Rgb);
    }

    /// <summary>
    /// A black-and-white image from text rows: <c>#</c> is a black (wall) pixel, <c>.</c> a white one.
    /// </summary>
    public static WfcPatternImage FromRows(params string[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length == 0) throw new ArgumentException("A WFC pattern needs at least one row.", nameof(rows));
        int width = rows[0].Length;
        var rgb = new byte[width * rows.Length * 3];
        for (int row = 0; row < rows.Length; row++)
        {
            if (rows[row].Length != width)
                throw new ArgumentException($"WFC pattern row {row} has {rows[row].Length} pixels; row 0 has {width}.", nameof(rows));
            for (int column = 0; column < width; column++)
            {
                byte value = rows[row][column] switch
                {
                    '#' => 0,
                    '.' => 255,
                    char other => throw new ArgumentException($"WFC pattern row {row}, column {column}: '{other}' is neither '#' (wall) nor '.' (floor).", nameof(rows)),
                };
                int i = (row * width + column) * 3;
                rgb[i] = rgb[i + 1] = rgb[i + 2] = value;
            }
        }
        return new WfcPatternImage(width, rows.Length, rgb);
    }
}
