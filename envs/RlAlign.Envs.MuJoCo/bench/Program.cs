using System.Diagnostics;
using System.Runtime.InteropServices;
using RlAlign.Core;
using RlAlign.Envs.MuJoCo;

// Wrapper overhead of the MuJoCo envs: single-thread env steps/s against a raw C loop (c_loop.c) simulating exactly
// the same physics. The env runs a block of 100 steps (random actions drawn beforehand, reset on termination and
// every 1000 steps); the C loop replays that block from the same starting state with the same controls and reset
// states on its own mjModel/mjData, and must end in the same qpos bit for bit. The two alternate every few
// milliseconds, so machine load falls on both alike.
//
//   dotnet run -c Release --project envs/RlAlign.Envs.MuJoCo/bench -- [--rounds N] [ID[=STEPS] ...]
//
// Prints each round and then a Markdown table: medians over the rounds of both rates and of the rounds' overheads
// (1 - env rate / C-loop rate), by wall-clock time and by the thread's CPU time (which a loaded machine disturbs less).
int rounds = 3;
const int BlockSteps = 100;
var tasks = new List<(string Id, int Steps)>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--rounds") rounds = int.Parse(args[++i]);
    else
    {
        string[] parts = args[i].Split('=');
        tasks.Add((parts[0], parts.Length > 1 ? int.Parse(parts[1]) : 20_000));
    }
}
if (tasks.Count == 0)
{
    tasks.AddRange([
        ("InvertedPendulum-v5", 100_000), ("InvertedDoublePendulum-v5", 40_000), ("HalfCheetah-v5", 30_000),
        ("Hopper-v5", 20_000), ("Walker2d-v5", 15_000), ("Ant-v5", 5_000), ("Humanoid-v5", 5_000),
        ("Swimmer-v5", 40_000), ("Reacher-v5", 60_000), ("Pusher-v5", 30_000),
    ]);
}

foreach ((string id, _) in tasks) Measure(id, 4 * BlockSteps); // JIT and tiering
var results = tasks.ToDictionary(t => t.Id, _ => new List<Rates>());
for (int round = 1; round <= rounds; round++)
{
    foreach ((string id, int steps) in tasks)
    {
        Rates rates = Measure(id, steps);
        results[id].Add(rates);
        Console.Error.WriteLine($"round {round} {id}: wall: C loop {rates.CWall:F0} steps/s, env {rates.EnvWall:F0} ({100 * (1 - rates.EnvWall / rates.CWall):F1} %); " +
                                $"thread CPU: C loop {rates.CCpu:F0}, env {rates.EnvCpu:F0} ({100 * (1 - rates.EnvCpu / rates.CCpu):F1} %)");
    }
}
Console.WriteLine("| task | C loop steps/s | RlAlign steps/s | overhead | C loop steps/CPU-s | RlAlign steps/CPU-s | overhead (CPU time) |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach ((string id, _) in tasks)
{
    List<Rates> r = results[id];
    Console.WriteLine($"| {id} | {Median(r.Select(x => x.CWall)):F0} | {Median(r.Select(x => x.EnvWall)):F0} | {100 * Median(r.Select(x => 1 - x.EnvWall / x.CWall)):F1} % " +
                      $"| {Median(r.Select(x => x.CCpu)):F0} | {Median(r.Select(x => x.EnvCpu)):F0} | {100 * Median(r.Select(x => 1 - x.EnvCpu / x.CCpu)):F1} % |");
}

static double Median(IEnumerable<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static Rates Measure(string id, int steps)
{
    using var env = (MuJoCoEnv)RlAlign.Core.Envs.Make(id).Unwrapped;
    using var cLoop = new CLoop(env.Model.Path);
    int nu = env.Model.Nu, nq = env.Model.Nq, nv = env.Model.Nv;
    var observation = new float[env.ObservationSpace.FlatSize];
    var box = (RlAlign.Core.Spaces.Box)env.ActionSpace;
    var random = new Random(1);
    var actions = new float[steps * nu];
    for (int i = 0; i < steps; i++)
        for (int j = 0; j < nu; j++) actions[i * nu + j] = box.Low[j] + (float)random.NextDouble() * (box.High[j] - box.Low[j]);
    double[] ctrl = [.. actions.Select(a => (double)a)]; // what the env writes into ctrl
    var resetAt = new long[BlockSteps + 1];
    int stateSize = nq + 2 * nv; // qpos, qvel, qacc_warmstart
    var resetState = new double[(BlockSteps + 1) * stateSize];

    Elapsed envTime = default, cTime = default;
    int episodeSteps = 0;
    env.Reset(observation, seed: 1);
    for (int start = 0, block = 0; start < steps; start += BlockSteps, block++)
    {
        int count = Math.Min(BlockSteps, steps - start);
        // A first, untimed pass finds where the env resets; it is then rewound and timed, before or after the C loop
        // in alternate blocks so that neither always runs on caches the other warmed.
        byte[] snapshot = env.Snapshot();
        int episodeStepsAtStart = episodeSteps;
        cLoop.SetState(env.Data);
        int resets = RunEnv(start, count, record: true);
        env.Restore(snapshot);
        episodeSteps = episodeStepsAtStart;
        if (block % 2 == 0)
        {
            envTime += Time(() => RunEnv(start, count, record: false));
            cTime += Time(() => cLoop.Replay(env.FrameSkip, ctrl.AsSpan(start * nu, count * nu), count, resetAt, resetState, resets));
        }
        else
        {
            cTime += Time(() => cLoop.Replay(env.FrameSkip, ctrl.AsSpan(start * nu, count * nu), count, resetAt, resetState, resets));
            envTime += Time(() => RunEnv(start, count, record: false));
        }
        if (!MemoryMarshal.AsBytes(cLoop.Qpos(nq)).SequenceEqual(MemoryMarshal.AsBytes<double>(env.Data.Qpos)))
            throw new InvalidOperationException($"{id}: the C loop's qpos differs from the env's after steps {start}..{start + count}; the comparison would be void.");
    }
    return new Rates(steps / cTime.WallSeconds, steps / envTime.WallSeconds, steps / cTime.CpuSeconds, steps / envTime.CpuSeconds);

    // Steps the env through actions [start, start + count), resetting on termination and at the time limit; when
    // recording, notes each reset (after which step, and the qpos, qvel and warm start it left) for the C loop.
    int RunEnv(int start, int count, bool record)
    {
        int resets = 0;
        for (int i = 0; i < count; i++)
        {
            StepResult result = env.Step(actions.AsSpan((start + i) * nu, nu), observation);
            if (result.Terminated || ++episodeSteps == 1000)
            {
                env.Reset(observation);
                episodeSteps = 0;
                if (!record) continue;
                resetAt[resets] = i + 1;
                env.Data.Qpos.CopyTo(resetState.AsSpan(resets * stateSize, nq));
                env.Data.Qvel.CopyTo(resetState.AsSpan(resets * stateSize + nq, nv));
                env.Data.QaccWarmstart.CopyTo(resetState.AsSpan(resets * stateSize + nq + nv, nv));
                resets++;
            }
        }
        return resets;
    }

    static Elapsed Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        double cpuStart = Native.rlb_thread_cpu_seconds();
        action();
        double cpu = Native.rlb_thread_cpu_seconds() - cpuStart;
        return new Elapsed(Stopwatch.GetElapsedTime(start).TotalSeconds, cpu);
    }
}

/// <summary>Env steps per second of wall-clock time and per second of the thread's CPU time, C loop and env.</summary>
readonly record struct Rates(double CWall, double EnvWall, double CCpu, double EnvCpu);

readonly record struct Elapsed(double WallSeconds, double CpuSeconds)
{
    public static Elapsed operator +(Elapsed a, Elapsed b) => new(a.WallSeconds + b.WallSeconds, a.CpuSeconds + b.CpuSeconds);
}

/// <summary>The model loaded a second time for the raw C loop, with its own mjData.</summary>
sealed unsafe class CLoop : IDisposable
{
    private readonly nint _model;
    private readonly nint _data;

    public CLoop(string path)
    {
        byte* error = stackalloc byte[1000];
        _model = Native.rlb_load(path, error, 1000);
        if (_model == 0) throw new InvalidOperationException($"{path}: {Marshal.PtrToStringUTF8((nint)error)}");
        _data = Native.rlb_make_data(_model);
    }

    public void SetState(MjData data)
    {
        fixed (double* qpos = data.Qpos, qvel = data.Qvel, act = data.Act, warmstart = data.QaccWarmstart)
            Native.rlb_set_state(_model, _data, data.Time, qpos, qvel, act, warmstart);
    }

    /// <summary>Runs <paramref name="steps"/> env steps; before step <c>resetAt[r]</c> (which may equal steps) it resets to <c>resetState[r]</c>.</summary>
    public void Replay(int frameSkip, ReadOnlySpan<double> ctrl, long steps, ReadOnlySpan<long> resetAt, ReadOnlySpan<double> resetState, int resets)
    {
        fixed (double* c = ctrl, states = resetState)
        fixed (long* at = resetAt)
            Native.rlb_replay(_model, _data, frameSkip, c, steps, at, states, resets);
    }

    public ReadOnlySpan<double> Qpos(int nq) => new(Native.rlb_qpos(_data), nq);

    public void Dispose() => Native.rlb_delete(_model, _data);
}

static unsafe partial class Native
{
    private const string Library = "rlbench_c_loop";

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint rlb_load(string path, byte* error, int errorSize);

    [LibraryImport(Library)]
    public static partial double rlb_thread_cpu_seconds();

    [LibraryImport(Library)]
    public static partial nint rlb_make_data(nint model);

    [LibraryImport(Library)]
    public static partial void rlb_delete(nint model, nint data);

    [LibraryImport(Library)]
    public static partial double* rlb_qpos(nint data);

    [LibraryImport(Library)]
    public static partial void rlb_set_state(nint model, nint data, double time, double* qpos, double* qvel, double* act, double* qaccWarmstart);

    [LibraryImport(Library)]
    public static partial void rlb_replay(nint model, nint data, int frameSkip, double* ctrl, long steps, long* resetAt, double* resetState, long resets);
}
