using ScottPlot;

namespace RlAlign.Cli.Runs;

/// <summary>The learning-curve PNG: episodic return per episode and its moving average, against env steps.</summary>
public static class LearningCurve
{
    public static void Save(string path, IReadOnlyList<(long Step, double Return)> episodes, string title, int window = 20)
    {
        var plot = new Plot();
        double[] steps = episodes.Select(e => (double)e.Step).ToArray();
        double[] returns = episodes.Select(e => e.Return).ToArray();
        if (episodes.Count > 0)
        {
            var raw = plot.Add.ScatterPoints(steps, returns);
            raw.MarkerSize = 3;
            raw.Color = Colors.SteelBlue.WithAlpha(0.6);
            raw.LegendText = "episodic return";
            var smooth = plot.Add.ScatterLine(steps, MovingAverage(returns, window));
            smooth.LineWidth = 2;
            smooth.Color = Colors.DarkOrange;
            smooth.LegendText = $"mean of last {window}";
            plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        }
        plot.Title(title);
        plot.XLabel("environment steps");
        plot.YLabel("episodic return");
        SaveAtomically(plot, path);
    }

    /// <summary>Writes <paramref name="plot"/> as a 900 × 540 PNG through a temporary file, so a reader never sees half an image.</summary>
    internal static void SaveAtomically(Plot plot, string path)
    {
        string temporary = path + ".tmp.png";
        plot.SavePng(temporary, 900, 540);
        File.Move(temporary, path, overwrite: true);
    }

    internal static double[] MovingAverage(double[] values, int window)
    {
        var result = new double[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
