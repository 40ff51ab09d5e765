using RlAlign.Alignment.Pipeline;
using ScottPlot;

namespace RlAlign.Cli.Runs;

/// <summary>The alignment run's PNG: oracle reward, win rate against the SFT model and KL to it, per round (0 = after SFT).</summary>
public static class EvaluationPlot
{
    public static void Save(string path, IReadOnlyList<AlignmentEvaluation> evaluations, string title)
    {
        var plot = new Plot();
        double[] rounds = [.. evaluations.Select(e => (double)e.Round)];
        void Line(double[] values, Color color, string label)
        {
            var line = plot.Add.Scatter(rounds, values);
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.Color = color;
            line.LegendText = label;
        }
        Line([.. evaluations.Select(e => e.MeanReward)], Colors.SteelBlue, "oracle reward");
        Line([.. evaluations.Select(e => e.WinRateVsSft)], Colors.DarkOrange, "win rate vs SFT");
        Line([.. evaluations.Select(e => e.FullyCorrectRate)], Colors.SeaGreen, "fully correct");
        var kl = plot.Add.Scatter(rounds, [.. evaluations.Select(e => e.KlToSft)]);
        kl.Axes.YAxis = plot.Axes.Right;
        kl.Color = Colors.Gray;
        kl.LinePattern = LinePattern.Dashed;
        kl.LegendText = "KL to SFT (right axis)";
        plot.Axes.Right.Label.Text = "KL to SFT (nats)";
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.Title(title);
        plot.XLabel("round (0 = after SFT)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.YLabel("rate / reward");
        LearningCurve.SaveAtomically(plot, path);
    }
}
