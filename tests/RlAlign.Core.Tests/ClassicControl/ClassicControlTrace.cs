using System.Text.Json;
using NUnit.Framework;

namespace RlAlign.Core.Tests.ClassicControl;

/// <summary>One step of a recorded Gymnasium classic control trace (see shared/conformance/README.md, section 2).</summary>
public sealed record ClassicControlTraceStep(int T, float[] Action, float[] Observation, double Reward, bool Terminated, bool Truncated, double[] State);

/// <summary>A recorded trace: <c>gymnasium.make(env_id)</c>, <c>reset(seed)</c>, then the recorded actions.</summary>
public sealed record ClassicControlTrace(string File, string EnvId, ulong Seed, float[] ResetObservation, double[] ResetState, IReadOnlyList<ClassicControlTraceStep> Steps)
{
    /// <summary>The trace files listed in classic_control/index.json, one test case each.</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        string? directory = TryDirectory(out string reason);
        if (directory is null)
        {
            yield return new TestCaseData("(no traces)").Ignore(reason);
            yield break;
        }
        using JsonDocument index = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(directory, "index.json")));
        foreach (JsonElement entry in index.RootElement.GetProperty("traces").EnumerateArray())
            yield return new TestCaseData(entry.GetProperty("file").GetString()!);
    }

    public static ClassicControlTrace Load(string file)
    {
        using JsonDocument document = JsonDocument.Parse(System.IO.File.ReadAllText(ConformanceData.PathOf("classic_control", file)));
        JsonElement root = document.RootElement;
        JsonElement reset = root.GetProperty("reset");
        var steps = new List<ClassicControlTraceStep>();
        foreach (JsonElement step in root.GetProperty("steps").EnumerateArray())
        {
            JsonElement action = step.GetProperty("action");
            float[] actionValues = action.ValueKind == JsonValueKind.Array ? Floats(action) : [action.GetInt32()];
            steps.Add(new ClassicControlTraceStep(
                step.GetProperty("t").GetInt32(), actionValues, Floats(step.GetProperty("obs")),
                step.GetProperty("reward").GetDouble(), step.GetProperty("terminated").GetBoolean(),
                step.GetProperty("truncated").GetBoolean(), Doubles(step.GetProperty("state"))));
        }
        return new ClassicControlTrace(file, root.GetProperty("env_id").GetString()!, root.GetProperty("seed").GetUInt64(),
            Floats(reset.GetProperty("obs")), Doubles(reset.GetProperty("state")), steps);
    }

    private static string? TryDirectory(out string reason)
    {
        try
        {
            reason = "";
            return ConformanceData.PathOf("classic_control");
        }
        catch (IgnoreException e)
        {
            reason = e.Message;
            return null;
        }
    }

    // Float32 quantities are written as the exact float64 of the float32, so the cast recovers the bits.
    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
