using System.Globalization;
using System.Text.Json;

namespace RlAlign.Envs.MiniGrid.Conformance;

/// <summary>A carried object as a trace records it: names and its 3-int encoding.</summary>
public sealed record TraceCarrying(string Type, string Color, int[] Encoding);

/// <summary>The generator after a step: PCG64 state (hex), has_uint32 and the buffered uinteger.</summary>
public sealed record TraceRng(UInt128 State, bool HasUInt32, uint UInteger);

/// <summary>The env as recorded after reset or after one step (shared/conformance/README.md, section 3).</summary>
public sealed record TraceSnapshot(
    int Action, int[] Image, int Direction, string Mission, double Reward, bool Terminated, bool Truncated,
    (int X, int Y) AgentPosition, int AgentDirection, TraceCarrying? Carrying, int StepCount, TraceRng Rng);

/// <summary>
/// A recorded MiniGrid or BabyAI trace: <c>gymnasium.make(env_id)</c>, <c>reset(seed)</c>, then the recorded actions.
/// BabyAI traces also record how many level generations <c>reset</c> rejected (<see cref="RejectionSamplingRetries"/>).
/// </summary>
public sealed record MiniGridTrace(
    string File, string EnvId, ulong Seed, int Width, int Height, int MaxSteps, string Mission,
    int[] ResetGrid, TraceSnapshot Reset, IReadOnlyList<TraceSnapshot> Steps, int[] FinalGrid, int? RejectionSamplingRetries = null)
{
    /// <summary>Reads a trace already parsed from JSON (<paramref name="file"/> only names it in messages).</summary>
    public static MiniGridTrace Parse(JsonElement root, string file)
    {
        JsonElement reset = root.GetProperty("reset");
        return new MiniGridTrace(
            file, root.GetProperty("env_id").GetString()!, root.GetProperty("seed").GetUInt64(),
            root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(), root.GetProperty("max_steps").GetInt32(),
            root.GetProperty("mission").GetString()!,
            Flatten(reset.GetProperty("grid")), Snapshot(reset, isReset: true),
            root.GetProperty("steps").EnumerateArray().Select(s => Snapshot(s, isReset: false)).ToArray(),
            Flatten(root.GetProperty("final").GetProperty("grid")),
            reset.TryGetProperty("rejection_sampling_retries", out JsonElement retries) ? retries.GetInt32() : null);
    }

    private static TraceSnapshot Snapshot(JsonElement e, bool isReset)
    {
        JsonElement position = e.GetProperty("agent_pos");
        JsonElement rng = e.GetProperty("rng");
        string hex = rng[0].GetString()!;
        if (hex.StartsWith("0x", StringComparison.Ordinal)) hex = hex[2..];
        TraceCarrying? carrying = e.GetProperty("carrying").ValueKind == JsonValueKind.Null ? null
            : new TraceCarrying(e.GetProperty("carrying").GetProperty("type").GetString()!,
                e.GetProperty("carrying").GetProperty("color").GetString()!, Flatten(e.GetProperty("carrying").GetProperty("enc")));
        return new TraceSnapshot(
            isReset ? -1 : e.GetProperty("action").GetInt32(),
            Flatten(e.GetProperty("image")), e.GetProperty("direction").GetInt32(), e.GetProperty("mission").GetString()!,
            isReset ? 0 : e.GetProperty("reward").GetDouble(),
            !isReset && e.GetProperty("terminated").GetBoolean(), !isReset && e.GetProperty("truncated").GetBoolean(),
            (position[0].GetInt32(), position[1].GetInt32()), e.GetProperty("agent_dir").GetInt32(), carrying,
            e.GetProperty("step_count").GetInt32(),
            new TraceRng(UInt128.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                rng[1].ValueKind == JsonValueKind.True || (rng[1].ValueKind == JsonValueKind.Number && rng[1].GetInt32() != 0),
                rng[2].GetUInt32()));
    }

    /// <summary>A nested int array flattened in C order (x, then y, then channel for grids and images).</summary>
    private static int[] Flatten(JsonElement element)
    {
        var values = new List<int>();
        Walk(element);
        return values.ToArray();

        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
                foreach (JsonElement child in e.EnumerateArray()) Walk(child);
            else
                values.Add(e.GetInt32());
        }
    }

    public override string ToString() => File;
}
