using RlAlign.Core;

namespace RlAlign.Envs.Classic;

/// <summary>
/// The picture both mountain car envs render (Gymnasium's <c>MountainCarEnv.render</c> and
/// <c>Continuous_MountainCarEnv.render</c> are the same code): the hill curve, the car tilted by the
/// slope, its two wheels and the goal flag.
/// </summary>
internal static class MountainCarScene
{
    private const int Width = 600, Height = 400;
    private const double MinPosition = -1.2, MaxPosition = 0.6;
    private const double Scale = Width / (MaxPosition - MinPosition);
    private const double CarWidth = 40, CarHeight = 20, Clearance = 10;

    /// <summary>The hill: <c>sin(3x) * 0.45 + 0.55</c>.</summary>
    public static double HillHeight(double x) => Math.Sin(3 * x) * 0.45 + 0.55;

    public static RenderFrame Draw(double position, double goalPosition)
    {
        var canvas = new Canvas(Width, Height);

        // xs = np.linspace(min_position, max_position, 100)
        var curve = new (double X, double Y)[100];
        for (int i = 0; i < curve.Length; i++)
        {
            double x = MinPosition + (MaxPosition - MinPosition) * i / (curve.Length - 1);
            curve[i] = ((x - MinPosition) * Scale, HillHeight(x) * Scale);
        }
        canvas.DrawPolyline(curve, Canvas.Black);

        double tilt = Math.Cos(3 * position);
        double carX = (position - MinPosition) * Scale, carY = Clearance + HillHeight(position) * Scale;
        ReadOnlySpan<(double X, double Y)> body = [(-CarWidth / 2, 0), (-CarWidth / 2, CarHeight), (CarWidth / 2, CarHeight), (CarWidth / 2, 0)];
        canvas.FillPolygon(Canvas.Transform(body, tilt, carX, carY), Canvas.Black);

        var wheelColor = new Rgb(128, 128, 128);
        foreach (double wheelOffset in (ReadOnlySpan<double>)[CarWidth / 4, -CarWidth / 4])
        {
            (double x, double y) = Canvas.Rotate(wheelOffset, 0, tilt);
            canvas.FillCircle((int)(x + carX), (int)(y + carY), (int)(CarHeight / 2.5), wheelColor);
        }

        int flagX = (int)((goalPosition - MinPosition) * Scale);
        int flagBottom = (int)(HillHeight(goalPosition) * Scale);
        int flagTop = flagBottom + 50;
        canvas.DrawVerticalLine(flagX, flagBottom, flagTop, Canvas.Black);
        canvas.FillPolygon([(flagX, flagTop), (flagX, flagTop - 10), (flagX + 25, flagTop - 5)], new Rgb(204, 204, 0));

        return canvas.ToFrame(flipVertically: true);
    }
}
