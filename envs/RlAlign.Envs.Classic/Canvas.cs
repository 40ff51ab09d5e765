using RlAlign.Core;

namespace RlAlign.Envs.Classic;

/// <summary>An RGB colour.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>
/// A small software rasterizer standing in for the pygame / gfxdraw calls of Gymnasium's classic control
/// renderers: filled polygons (scanline, even-odd), filled circles, lines and polylines on a white RGB
/// surface. Coordinates are pygame's (pixels, y down); the renderers draw their y-up scene as Gymnasium
/// does and flip the surface vertically at the end (<c>pygame.transform.flip(surf, False, True)</c>).
/// </summary>
internal sealed class Canvas
{
    public static readonly Rgb Black = new(0, 0, 0);

    private readonly byte[] _pixels;
    private readonly List<double> _crossings = [];

    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        _pixels.AsSpan().Fill(255); // surf.fill((255, 255, 255))
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>pygame's <c>Vector2.rotate_rad(angle)</c>: counter-clockwise in a y-up frame.</summary>
    public static (double X, double Y) Rotate(double x, double y, double angle)
    {
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        return (x * cos - y * sin, x * sin + y * cos);
    }

    /// <summary>Each point rotated by <paramref name="angle"/>, then moved by (<paramref name="dx"/>, <paramref name="dy"/>).</summary>
    public static (double X, double Y)[] Transform(ReadOnlySpan<(double X, double Y)> points, double angle, double dx, double dy)
    {
        var result = new (double X, double Y)[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            (double x, double y) = Rotate(points[i].X, points[i].Y, angle);
            result[i] = (x + dx, y + dy);
        }
        return result;
    }

    public void SetPixel(int x, int y, Rgb color)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int index = (y * Width + x) * 3;
        _pixels[index] = color.R;
        _pixels[index + 1] = color.G;
        _pixels[index + 2] = color.B;
    }

    /// <summary>Fills the polygon: every pixel whose centre lies inside (even-odd rule).</summary>
    public void FillPolygon(ReadOnlySpan<(double X, double Y)> points, Rgb color)
    {
        if (points.Length < 3) return;
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        foreach ((double _, double y) in points)
        {
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }
        int firstRow = Math.Max(0, (int)Math.Ceiling(minY - 0.5));
        int lastRow = Math.Min(Height - 1, (int)Math.Floor(maxY - 0.5));
        for (int row = firstRow; row <= lastRow; row++)
        {
            double centreY = row + 0.5;
            _crossings.Clear();
            for (int i = 0; i < points.Length; i++)
            {
                (double x0, double y0) = points[i];
                (double x1, double y1) = points[(i + 1) % points.Length];
                // Half-open in y, so a vertex shared by two edges is counted once.
                if ((y0 <= centreY && centreY < y1) || (y1 <= centreY && centreY < y0))
                    _crossings.Add(x0 + (centreY - y0) * (x1 - x0) / (y1 - y0));
            }
            _crossings.Sort();
            for (int i = 0; i + 1 < _crossings.Count; i += 2)
            {
                int start = Math.Max(0, (int)Math.Ceiling(_crossings[i] - 0.5));
                int end = Math.Min(Width - 1, (int)Math.Ceiling(_crossings[i + 1] - 0.5) - 1);
                for (int x = start; x <= end; x++) SetPixel(x, row, color);
            }
        }
    }

    public void FillRectangle(double left, double bottom, double right, double top, Rgb color)
        => FillPolygon([(left, bottom), (left, top), (right, top), (right, bottom)], color);

    /// <summary><c>gfxdraw.filled_circle(x, y, r)</c>: the pixels within <paramref name="radius"/> of the centre pixel.</summary>
    public void FillCircle(int centreX, int centreY, int radius, Rgb color)
    {
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
                if (dx * dx + dy * dy <= radius * radius) SetPixel(centreX + dx, centreY + dy, color);
    }

    /// <summary>A line; one pixel wide (DDA), or a filled quad when <paramref name="thickness"/> is above 1.</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, Rgb color, double thickness = 1)
    {
        if (thickness > 1)
        {
            double length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
            if (length == 0) return;
            double nx = -(y1 - y0) / length * thickness / 2, ny = (x1 - x0) / length * thickness / 2;
            FillPolygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)], color);
            return;
        }
        int steps = (int)Math.Ceiling(Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)));
        for (int i = 0; i <= steps; i++)
        {
            double t = steps == 0 ? 0 : (double)i / steps;
            SetPixel((int)Math.Round(x0 + t * (x1 - x0)), (int)Math.Round(y0 + t * (y1 - y0)), color);
        }
    }

    /// <summary><c>pygame.draw.lines(closed=False)</c>: consecutive points joined by lines (round joins when thick).</summary>
    public void DrawPolyline(ReadOnlySpan<(double X, double Y)> points, Rgb color, double thickness = 1)
    {
        for (int i = 0; i + 1 < points.Length; i++)
        {
            DrawLine(points[i].X, points[i].Y, points[i + 1].X, points[i + 1].Y, color, thickness);
            if (thickness > 1 && i > 0) FillCircle((int)Math.Round(points[i].X), (int)Math.Round(points[i].Y), (int)(thickness / 2), color);
        }
    }

    /// <summary><c>gfxdraw.hline(x1, x2, y)</c>, both ends included.</summary>
    public void DrawHorizontalLine(int x0, int x1, int y, Rgb color)
    {
        for (int x = Math.Min(x0, x1); x <= Math.Max(x0, x1); x++) SetPixel(x, y, color);
    }

    /// <summary><c>gfxdraw.vline(x, y1, y2)</c>, both ends included.</summary>
    public void DrawVerticalLine(int x, int y0, int y1, Rgb color)
    {
        for (int y = Math.Min(y0, y1); y <= Math.Max(y0, y1); y++) SetPixel(x, y, color);
    }

    /// <summary>The surface as a frame; Gymnasium's renderers flip their y-up drawing before returning it.</summary>
    public RenderFrame ToFrame(bool flipVertically)
    {
        var rgb = new byte[_pixels.Length];
        int stride = Width * 3;
        for (int row = 0; row < Height; row++)
        {
            int source = flipVertically ? Height - 1 - row : row;
            Array.Copy(_pixels, source * stride, rgb, row * stride, stride);
        }
        return new RenderFrame(Width, Height, rgb);
    }
}
