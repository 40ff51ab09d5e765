using System.Text.Json;

namespace RlAlign.Core.Conformance;

/// <summary>Where a replay starts: from the seed alone, or from the state the trace recorded after reset.</summary>
public enum TraceStart { Seed, RecordedState }

/// <summary>The result of replaying one trace from one start; <see cref="Mismatch"/> says where it first diverged.</summary>
public sealed record TraceOutcome(TraceStart Start, int StepsChecked, string? Mismatch)
{
    public bool Matched => Mismatch is null;
}

/// <summary>
/// Replays traces recorded from a Python reference implementation (format: shared/conformance/README.md)
/// through the ported envs. Each env package that has traces implements one; <see cref="TraceReplayers"/>
/// finds them.
/// </summary>
public interface ITraceReplayer
{
    /// <summary>True when this replayer knows how to check traces of <paramref name="envId"/>.</summary>
    bool CanReplay(string envId);

    /// <summary>The starts that are meaningful for <paramref name="envId"/> (every trace can start from its seed).</summary>
    IReadOnlyList<TraceStart> Starts(string envId);

    /// <summary>Replays <paramref name="trace"/> (the parsed file) and reports the first mismatch, if any.</summary>
    TraceOutcome Replay(JsonElement trace, TraceStart start);
}

/// <summary>One trace file with the outcome of each start.</summary>
public sealed record TraceReport(string File, string EnvId, IReadOnlyList<TraceOutcome> Outcomes)
{
    public bool Matched => Outcomes.Count > 0 && Outcomes.All(o => o.Matched);
}

/// <summary>Finds trace files and replays them with whichever <see cref="ITraceReplayer"/> knows their env.</summary>
public static class TraceReplayers
{
    private static readonly Lazy<IReadOnlyList<ITraceReplayer>> Discovered = new(PluginDiscovery.CreateAll<ITraceReplayer>);

    public static IReadOnlyList<ITraceReplayer> All => Discovered.Value;

    /// <summary>
    /// The trace files at <paramref name="path"/>: the file itself, or every <c>*.json</c> below the folder
    /// except the <c>index.json</c> summaries and files that are not traces (such as the RNG test vectors).
    /// </summary>
    public static IReadOnlyList<string> Find(string path)
    {
        if (File.Exists(path)) return [path];
        if (!Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is neither a trace file nor a folder of traces.");
        return Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "index.json" && Path.GetFileName(Path.GetDirectoryName(f)) != "rng")
            .Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Replays one trace file from every start its replayer supports.</summary>
    public static TraceReport Replay(string file)
    {
        using JsonDocument document = ReadTrace(file);
        JsonElement root = document.RootElement;
        if (!root.TryGetProperty("env_id", out JsonElement id) || !root.TryGetProperty("steps", out _))
            return new TraceReport(file, "?", [new TraceOutcome(TraceStart.Seed, 0, "not a trace: it has no env_id and steps")]);
        string envId = id.GetString() ?? "?";
        ITraceReplayer? replayer = All.FirstOrDefault(r => r.CanReplay(envId));
        if (replayer is null)
            return new TraceReport(file, envId, [new TraceOutcome(TraceStart.Seed, 0, $"{envId} is not ported yet (no replayer knows it)")]);
        var outcomes = new List<TraceOutcome>();
        foreach (TraceStart start in replayer.Starts(envId))
        {
            try
            {
                outcomes.Add(replayer.Replay(root, start));
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or NotSupportedException)
            {
                outcomes.Add(new TraceOutcome(start, 0, $"{e.GetType().Name}: {e.Message}"));
            }
        }
        return new TraceReport(file, envId, outcomes);
    }

    private static JsonDocument ReadTrace(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }
}
