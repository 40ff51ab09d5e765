namespace RlAlign.Envs.MiniGrid.Rendering;

/// <summary>
/// Minigrid's point-in-shape tests (minigrid/utils/rendering.py), in tile coordinates where (0, 0) is the
/// top-left corner and (1, 1) the bottom-right.
/// </summary>
internal static class Shapes
{
    public static Func<double, double, bool> Rect(double xMin, double xMax, double yMin, double yMax) =>
        (x, y) => x >= xMin && x <= xMax && y >= yMin && y <= yMax;

    public static Func<double, double, bool> Circle(double cx, double cy, double r) =>
        (x, y) => (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;

    /// <summary>
    /// Points within <paramref name="r"/> of the segment. Minigrid keeps the end points and direction in
    /// float32, so those are rounded the same way to land on the same pixels.
    /// </summary>
    public static Func<double, double, bool> Line(double x0, double y0, double x1, double y1, double r)
    {
        float px = (float)x0, py = (float)y0;
        float dx = (float)x1 - px, dy = (float)y1 - py;
        float length = MathF.Sqrt(dx * dx + dy * dy);
        dx /= length;
        dy /= length;
        double xMin = Math.Min(x0, x1) - r, xMax = Math.Max(x0, x1) + r;
        double yMin = Math.Min(y0, y1) - r, yMax = Math.Max(y0, y1) + r;
        return (x, y) =>
        {
            if (x < xMin || x > xMax || y < yMin || y > yMax) return false;
            double qx = x - px, qy = y - py;
            double along = Math.Clamp(qx * dx + qy * dy, 0, length);
            double ex = x - (px + along * dx), ey = y - (py + along * dy);
            return Math.Sqrt(ex * ex + ey * ey) <= r;
        };
    }

    /// <summary>Barycentric inside test; vertex differences are float32, as Minigrid's arrays are.</summary>
    public static Func<double, double, bool> Triangle((double X, double Y) a, (double X, double Y) b, (double X, double Y) c)
    {
        float ax = (float)a.X, ay = (float)a.Y;
        float v0x = (float)c.X - ax, v0y = (float)c.Y - ay;
        float v1x = (float)b.X - ax, v1y = (float)b.Y - ay;
        float dot00 = v0x * v0x + v0y * v0y, dot01 = v0x * v1x + v0y * v1y, dot11 = v1x * v1x + v1y * v1y;
        return (x, y) =>
        {
            double v2x = x - ax, v2y = y - ay;
            double dot02 = v0x * v2x + v0y * v2y, dot12 = v1x * v2x + v1y * v2y;
            double inverse = 1 / ((double)dot00 * dot11 - (double)dot01 * dot01);
            double u = (dot11 * dot02 - dot01 * dot12) * inverse;
            double v = (dot00 * dot12 - dot01 * dot02) * inverse;
            return u >= 0 && v >= 0 && u + v < 1;
        };
    }

    /// <summary>Minigrid's <c>rotate_fn</c>: the shape turned by <paramref name="theta"/> about (cx, cy).</summary>
    public static Func<double, double, bool> Rotate(Func<double, double, bool> shape, double cx, double cy, double theta)
    {
        double cos = Math.Cos(-theta), sin = Math.Sin(-theta);
        return (x, y) =>
        {
            x -= cx;
            y -= cy;
            return shape(cx + x * cos - y * sin, cy + y * cos + x * sin);
        };
    }
}
