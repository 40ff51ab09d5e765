using System.Globalization;
using System.Text.RegularExpressions;

namespace RlAlign.Cli.Runs;

/// <summary>
/// The folder of one training run, <c>{runs-dir}/{env}__{experiment}__{seed}__{time}/</c> as CleanRL
/// names them, and the files inside it.
/// </summary>
public sealed partial class RunFolder
{
    private RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public string ConfigPath => Combine("config.yaml");
    public string MetricsPath => Combine("metrics.csv");
    public string LogPath => Combine("log.jsonl");
    public string TensorBoardDirectory => Combine("tensorboard");
    public string CheckpointDirectory => Combine("checkpoints");
    public string LatestCheckpointPath => System.IO.Path.Combine(CheckpointDirectory, "latest.ckpt");
    public string FinalCheckpointPath => System.IO.Path.Combine(CheckpointDirectory, "final.ckpt");
    public string LearningCurvePath => Combine("learning_curve.png");

    public static RunFolder Create(string runsDirectory, string envId, string experiment, long seed, DateTime startTime)
    {
        string name = $"{Sanitize(envId)}__{Sanitize(experiment)}__{seed}__{startTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        string path = System.IO.Path.Combine(runsDirectory, name);
        for (int suffix = 2; Directory.Exists(path); suffix++) path = System.IO.Path.Combine(runsDirectory, $"{name}-{suffix}");
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    /// <summary>An existing run folder; throws a clear error when the path is not one.</summary>
    public static RunFolder Open(string path)
    {
        var folder = new RunFolder(path);
        if (!Directory.Exists(folder.Path))
            throw new FileNotFoundException($"Run folder '{path}' does not exist.");
        if (!File.Exists(folder.ConfigPath))
            throw new FileNotFoundException($"'{path}' is not a run folder: it has no config.yaml.");
        return folder;
    }

    public static bool LooksLikeRunFolder(string path) => Directory.Exists(path) && File.Exists(System.IO.Path.Combine(path, "config.yaml"));

    /// <summary>The checkpoint to continue from or evaluate: final if training completed, else latest.</summary>
    public string? BestAvailableCheckpoint()
        => File.Exists(FinalCheckpointPath) ? FinalCheckpointPath : File.Exists(LatestCheckpointPath) ? LatestCheckpointPath : null;

    private string Combine(string file) => System.IO.Path.Combine(Path, file);

    private static string Sanitize(string part) => UnsafeCharacters().Replace(part, "_");

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeCharacters();
}
