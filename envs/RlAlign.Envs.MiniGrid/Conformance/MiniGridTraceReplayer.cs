using System.Text.Json;
using RlAlign.Core;
using RlAlign.Core.Conformance;

namespace RlAlign.Envs.MiniGrid.Conformance;

/// <summary>
/// Replays traces recorded from Python Minigrid 3.1 (shared/conformance/README.md, section 3): every
/// step's observation (image, direction, mission), agent pose, carried object, step count, reward (1e-6),
/// flags and generator state, then the final grid, must match. Two starts: from the seed alone (the
/// port's own layout, which must equal the recorded reset grid), and from the recorded grid, agent and
/// generator state put over the env after its reset — which checks the step semantics separately from
/// the layout generator. BabyAI traces (<c>BabyAI-*</c>) have the same format; their <c>max_steps</c> is the one
/// computed at reset, and the number of rejected level generations must match too. From the recorded state a
/// level's verifier is re-bound to the recorded grid (its instruction is the port's, already compared).
/// </summary>
public sealed class MiniGridTraceReplayer : ITraceReplayer
{
    private static readonly TraceStart[] BothStarts = [TraceStart.Seed, TraceStart.RecordedState];

    public bool CanReplay(string envId)
        => (envId.StartsWith("MiniGrid-", StringComparison.Ordinal) || envId.StartsWith("BabyAI-", StringComparison.Ordinal))
            && Core.Envs.Registry.TryGet(envId, out _);

    public IReadOnlyList<TraceStart> Starts(string envId) => BothStarts;

    public TraceOutcome Replay(JsonElement root, TraceStart start)
    {
        MiniGridTrace trace = MiniGridTrace.Parse(root, root.GetProperty("env_id").GetString()!);
        using IEnv made = Core.Envs.Make(trace.EnvId);
        var env = made as MiniGridEnv ?? throw new InvalidOperationException($"{trace.EnvId} did not make a MiniGridEnv (MiniGrid ids have no TimeLimit wrapper).");
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, trace.Seed);
        // BabyAI levels compute max_steps at reset, from the instruction.
        if ((env.Width, env.Height, env.MaxSteps) != (trace.Width, trace.Height, trace.MaxSteps))
            return new TraceOutcome(start, 0, $"size/max_steps after reset: got {(env.Width, env.Height, env.MaxSteps)}, expected {(trace.Width, trace.Height, trace.MaxSteps)}");
        if (env is BabyAI.RoomGridLevel level && trace.RejectionSamplingRetries is int retries && level.RejectionSamplingRetries != retries)
            return new TraceOutcome(start, 0, $"rejection_sampling_retries: got {level.RejectionSamplingRetries}, expected {retries}");
        if (start == TraceStart.RecordedState)
        {
            TraceSnapshot reset = trace.Reset;
            env.OverlayRecordedState(Array.ConvertAll(trace.ResetGrid, v => (byte)v), reset.AgentPosition, reset.AgentDirection,
                reset.Carrying is { } carried ? new CellEncoding((byte)carried.Encoding[0], (byte)carried.Encoding[1], (byte)carried.Encoding[2]) : null,
                reset.StepCount, env.Generator!.State with { State = reset.Rng.State, HasUInt32 = reset.Rng.HasUInt32, UInteger = reset.Rng.UInteger });
            env.WriteObservation(observation);
        }
        string? mismatch = CompareGrid(env, trace.ResetGrid, "reset grid") ?? Compare(env, observation, trace.Reset, "reset");
        if (mismatch is not null) return new TraceOutcome(start, 0, mismatch);

        int checkedSteps = 0;
        foreach (TraceSnapshot step in trace.Steps)
        {
            StepResult result = env.Step([step.Action], observation);
            string where = $"step {env.StepCount} (action {step.Action})";
            mismatch = (Math.Abs(result.Reward - step.Reward) > 1e-6 ? $"{where}: reward {result.Reward:R}, expected {step.Reward:R}" : null)
                ?? ((result.Terminated, result.Truncated) != (step.Terminated, step.Truncated)
                    ? $"{where}: (terminated, truncated) {(result.Terminated, result.Truncated)}, expected {(step.Terminated, step.Truncated)}" : null)
                ?? Compare(env, observation, step, where);
            if (mismatch is not null) return new TraceOutcome(start, checkedSteps, mismatch);
            checkedSteps++;
        }
        return new TraceOutcome(start, checkedSteps, CompareGrid(env, trace.FinalGrid, "final grid"));
    }

    /// <summary>The full grid encoding, x then y then channel (the traces' C order).</summary>
    public static int[] EncodeGrid(MiniGridEnv env)
    {
        var bytes = new byte[env.Width * env.Height * 3];
        env.Grid.Encode(bytes);
        return Array.ConvertAll(bytes, b => (int)b);
    }

    private static string? CompareGrid(MiniGridEnv env, int[] expected, string what)
    {
        int[] actual = EncodeGrid(env);
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] == expected[i]) continue;
            int cell = i / 3, x = cell / env.Height, y = cell % env.Height;
            return $"{what}: cell ({x}, {y}) is [{string.Join(", ", actual.AsSpan(cell * 3, 3).ToArray())}], expected [{string.Join(", ", expected.AsSpan(cell * 3, 3).ToArray())}]";
        }
        return null;
    }

    private static string? Compare(MiniGridEnv env, float[] observation, TraceSnapshot expected, string where)
    {
        int imageLength = env.AgentViewSize * env.AgentViewSize * 3;
        ReadOnlySpan<float> image = observation.AsSpan(env.ImageOffset, imageLength);
        for (int i = 0; i < imageLength; i++)
            if ((int)image[i] != expected.Image[i])
                return $"{where}: image[{i / 21}][{i / 3 % 7}][{i % 3}] = {(int)image[i]}, expected {expected.Image[i]}";
        if ((int)observation[env.DirectionOffset] != expected.Direction) return $"{where}: direction {(int)observation[env.DirectionOffset]}, expected {expected.Direction}";
        if (env.Mission != expected.Mission) return $"{where}: mission \"{env.Mission}\", expected \"{expected.Mission}\"";
        if (env.AgentPosition != expected.AgentPosition) return $"{where}: agent_pos {env.AgentPosition}, expected {expected.AgentPosition}";
        if (env.AgentDirection != expected.AgentDirection) return $"{where}: agent_dir {env.AgentDirection}, expected {expected.AgentDirection}";
        if (env.StepCount != expected.StepCount) return $"{where}: step_count {env.StepCount}, expected {expected.StepCount}";
        if (expected.Carrying is null != env.Carrying is null)
            return $"{where}: carrying {(env.Carrying is null ? "nothing" : env.Carrying.Type.Name())}, expected {expected.Carrying?.Type ?? "nothing"}";
        if (env.Carrying is not null)
        {
            CellEncoding encoding = env.Carrying.Encode();
            int[] actual = [(int)encoding.Type, encoding.Color, encoding.State];
            if (!actual.AsSpan().SequenceEqual(expected.Carrying!.Encoding))
                return $"{where}: carrying [{string.Join(", ", actual)}], expected [{string.Join(", ", expected.Carrying.Encoding)}]";
        }
        var state = env.Generator!.State;
        if ((state.State, state.HasUInt32, state.UInteger) != (expected.Rng.State, expected.Rng.HasUInt32, expected.Rng.UInteger))
            return $"{where}: generator state differs (the port drew different random numbers)";
        return null;
    }
}
