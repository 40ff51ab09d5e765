using System.Globalization;
using System.Text.Json;
using RlAlign.Core;
using RlAlign.Core.Conformance;

namespace RlAlign.Envs.Classic.Conformance;

/// <summary>
/// Replays Gymnasium classic control traces (shared/conformance/README.md, section 2) through
/// <c>Envs.Make(env_id)</c>, so the registered TimeLimit is part of the check, and compares each step as
/// "What match means" asks: observations within 1e-6 absolute or relative, rewards within 1e-6, flags
/// exactly, and the float64 state within 1e-9 to show where a divergence starts.
/// Acrobot restarts every step from the recorded state of the step before, as the README allows: the
/// recorder's NumPy evaluates float64 sin/cos about one ulp away from glibc's on roughly half the steps,
/// and the chaotic double pendulum grows that to 2e-9 in the state by step 446 of seed 2, so a free run
/// would test libm rather than the port.
/// </summary>
public sealed class ClassicControlTraceReplayer : ITraceReplayer
{
    private const double ObservationTolerance = 1e-6;
    private const double RewardTolerance = 1e-6;
    private const double StateTolerance = 1e-9;
    private static readonly string[] EnvIds = [CartPoleEnv.Id, AcrobotEnv.Id, MountainCarEnv.Id, MountainCarContinuousEnv.Id, PendulumEnv.Id];
    private static readonly TraceStart[] BothStarts = [TraceStart.Seed, TraceStart.RecordedState];

    public bool CanReplay(string envId) => EnvIds.Contains(envId);

    public IReadOnlyList<TraceStart> Starts(string envId) => BothStarts;

    public TraceOutcome Replay(JsonElement trace, TraceStart start)
    {
        string envId = trace.GetProperty("env_id").GetString()!;
        JsonElement reset = trace.GetProperty("reset");
        double[] resetState = Doubles(reset.GetProperty("state"));
        using IEnv env = Core.Envs.Make(envId);
        ClassicControlEnv physics = env.Unwrapped as ClassicControlEnv
            ?? throw new InvalidOperationException($"{envId} is not a classic control env.");
        var observation = new float[env.ObservationSpace.FlatSize];

        if (start == TraceStart.Seed)
        {
            env.Reset(observation, trace.GetProperty("seed").GetUInt64());
            string? mismatch = Compare(observation, Floats(reset.GetProperty("obs")), ObservationTolerance, "reset obs")
                ?? Compare(physics.State, resetState, StateTolerance, "reset state");
            if (mismatch is not null) return new TraceOutcome(start, 0, mismatch);
        }
        else
        {
            physics.SetState(resetState);
        }

        bool restartFromRecordedState = envId == AcrobotEnv.Id;
        double[] previousState = resetState;
        int checkedSteps = 0;
        foreach (JsonElement step in trace.GetProperty("steps").EnumerateArray())
        {
            string where = $"step {step.GetProperty("t").GetInt32()}";
            double[] recordedState = Doubles(step.GetProperty("state"));
            if (restartFromRecordedState) physics.SetState(previousState);
            previousState = recordedState;

            JsonElement action = step.GetProperty("action");
            float[] actionValues = action.ValueKind == JsonValueKind.Array ? Floats(action) : [action.GetInt32()];
            StepResult result = env.Step(actionValues, observation);

            double reward = step.GetProperty("reward").GetDouble();
            bool terminated = step.GetProperty("terminated").GetBoolean(), truncated = step.GetProperty("truncated").GetBoolean();
            string? mismatch = Compare(physics.State, recordedState, StateTolerance, $"{where} state")
                ?? Compare(observation, Floats(step.GetProperty("obs")), ObservationTolerance, $"{where} obs")
                ?? (Math.Abs(result.Reward - reward) > RewardTolerance ? $"{where} reward: got {result.Reward:R}, expected {reward:R}" : null)
                ?? (result.Terminated != terminated ? $"{where} terminated: got {result.Terminated}, expected {terminated}" : null)
                ?? (result.Truncated != truncated ? $"{where} truncated: got {result.Truncated}, expected {truncated}" : null);
            if (mismatch is not null) return new TraceOutcome(start, checkedSteps, mismatch);
            checkedSteps++;
        }
        return new TraceOutcome(start, checkedSteps, null);
    }

    /// <summary>Null when every element is within <paramref name="tolerance"/> absolute or relative; else where and by how much it is not.</summary>
    private static string? Compare(ReadOnlySpan<float> actual, float[] expected, double tolerance, string what)
    {
        var actualValues = new double[actual.Length];
        for (int i = 0; i < actual.Length; i++) actualValues[i] = actual[i];
        return Compare(actualValues, Array.ConvertAll(expected, v => (double)v), tolerance, what);
    }

    private static string? Compare(double[] actual, double[] expected, double tolerance, string what)
    {
        if (actual.Length != expected.Length) return $"{what}: {actual.Length} values, expected {expected.Length}";
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (error <= tolerance || error <= tolerance * Math.Abs(expected[i])) continue;
            return $"{what}[{i}]: got {actual[i].ToString("R", CultureInfo.InvariantCulture)}, expected {expected[i].ToString("R", CultureInfo.InvariantCulture)} "
                + $"(|error| {error:E2} > {tolerance:E0}); got [{Join(actual)}], expected [{Join(expected)}]";
        }
        return null;
    }

    private static string Join(double[] values) => string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    // Float32 quantities are written as the exact float64 of the float32, so the cast recovers the bits.
    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
