using System.Globalization;
using RlAlign.Algorithms;
using RlAlign.Core;

namespace RlAlign.Cli.Runs;

/// <summary>
/// Receives the trainer's metrics and writes them to <c>metrics.csv</c> (one row per value:
/// <c>step,metric,value,wall_time</c>) and TensorBoard, and keeps the episodic returns for the
/// progress display and the learning-curve plot.
/// </summary>
public sealed class MetricsRecorder : IMetricsSink, IDisposable
{
    public const string EpisodicReturn = "charts/episodic_return";
    private const string Header = "step,metric,value,wall_time";

    private readonly StreamWriter _csv;
    private readonly TensorBoardWriter _tensorBoard;
    private readonly List<(long Step, double Return)> _episodes = [];
    private readonly Dictionary<string, double> _latest = new(StringComparer.Ordinal);

    public MetricsRecorder(RunFolder run)
    {
        bool exists = File.Exists(run.MetricsPath);
        if (exists)
            foreach ((long step, string metric, double value) in Read(run.MetricsPath))
                if (metric == EpisodicReturn) _episodes.Add((step, value));
        _csv = new StreamWriter(new FileStream(run.MetricsPath, FileMode.Append, FileAccess.Write, FileShare.Read));
        if (!exists) _csv.WriteLine(Header);
        _tensorBoard = new TensorBoardWriter(run.TensorBoardDirectory);
    }

    public IReadOnlyList<(long Step, double Return)> Episodes => _episodes;
    public IReadOnlyDictionary<string, double> Latest => _latest;

    /// <summary>Mean return of the last <paramref name="count"/> episodes, or null before the first one ends.</summary>
    public double? RecentMeanReturn(int count = 20)
    {
        if (_episodes.Count == 0) return null;
        int start = Math.Max(0, _episodes.Count - count);
        double sum = 0;
        for (int i = start; i < _episodes.Count; i++) sum += _episodes[i].Return;
        return sum / (_episodes.Count - start);
    }

    public void Add(string name, double value, long step)
    {
        double wallTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        _latest[name] = value;
        if (name == EpisodicReturn) _episodes.Add((step, value));
        _csv.Write(step.ToString(CultureInfo.InvariantCulture));
        _csv.Write(',');
        _csv.Write(name);
        _csv.Write(',');
        _csv.Write(value.ToString("R", CultureInfo.InvariantCulture));
        _csv.Write(',');
        _csv.WriteLine(wallTime.ToString("F3", CultureInfo.InvariantCulture));
        _tensorBoard.AddScalar(name, value, step, wallTime);
    }

    public void Flush()
    {
        _csv.Flush();
        _tensorBoard.Flush();
    }

    public void Dispose()
    {
        _csv.Dispose();
        _tensorBoard.Dispose();
    }

    /// <summary>Rows of a metrics.csv file.</summary>
    public static IEnumerable<(long Step, string Metric, double Value)> Read(string path)
    {
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] parts = line.Split(',');
            if (parts.Length < 3
                || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long step)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                continue; // A torn last line from a killed process is skipped, not fatal.
            yield return (step, parts[1], value);
        }
    }

    /// <summary>
    /// Drops rows recorded after <paramref name="step"/> (written by the interrupted run after its last
    /// checkpoint), so a resumed run's metrics read as if it had never stopped.
    /// </summary>
    public static void TruncateAfter(string path, long step)
    {
        if (!File.Exists(path)) return;
        var kept = new List<string> { Header };
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            int comma = line.IndexOf(',');
            if (comma > 0 && long.TryParse(line.AsSpan(0, comma), NumberStyles.Integer, CultureInfo.InvariantCulture, out long rowStep)
                && rowStep <= step && line.Split(',').Length == 4)
                kept.Add(line);
        }
        AtomicFile.WriteAllText(path, string.Join('\n', kept) + "\n");
    }
}
