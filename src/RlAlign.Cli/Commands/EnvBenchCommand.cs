using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Vector;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

/// <summary>
/// <c>rlalign bench envs</c>: raw environment throughput with random actions: steps/s on one thread
/// (or through a vector env), mean reset time, managed bytes allocated by steps and by resets, and the
/// garbage collections that happened during the run.
/// </summary>
public static class EnvBenchCommand
{
    public static Command Create()
    {
        var filter = new Argument<string?>("filter") { Description = "Only ids containing this text (default: every registered id).", Arity = ArgumentArity.ZeroOrOne };
        var steps = new Option<int>("--steps") { Description = "Steps per env (or per vector env step batch).", DefaultValueFactory = _ => 100_000 };
        var numEnvs = new Option<int>("--num-envs") { Description = "Step this many copies through a vector env (given explicitly, even 1) instead of one bare env.", DefaultValueFactory = _ => 1 };
        var threaded = new Option<bool>("--threaded") { Description = "Use the multi-threaded vector env (implies a vector env)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of resets and random actions.", DefaultValueFactory = _ => 0 };
        var command = new Command("envs", "Measure raw env speed with random actions: steps/s, reset time, bytes allocated per step.") { filter, steps, numEnvs, threaded, seed };
        command.SetAction((parseResult, cancellationToken) =>
        {
            string? text = parseResult.GetValue(filter);
            int stepCount = parseResult.GetValue(steps), copies = parseResult.GetValue(numEnvs);
            if (stepCount <= 0) throw new ArgumentException($"--steps must be > 0, got {stepCount}.");
            if (copies <= 0) throw new ArgumentException($"--num-envs must be > 0, got {copies}.");
            VectorMode mode = parseResult.GetValue(threaded) ? VectorMode.Threaded : VectorMode.Sync;
            // A vector env of one copy is a measurement of its own (the dispatch cost), so an explicit --num-envs 1 asks for it.
            bool vector = mode == VectorMode.Threaded || parseResult.GetResult(numEnvs) is { Implicit: false };
            ulong seedValue = parseResult.GetValue(seed);

            var table = new Table().AddColumns("id", "steps/s", "mean reset (µs)", "bytes/step", "bytes/reset", "GCs (gen0/1/2)");
            foreach (string id in Core.Envs.Ids.Where(i => text is null || i.Contains(text, StringComparison.OrdinalIgnoreCase)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    Measurement m = vector
                        ? MeasureVector(id, stepCount, copies, mode, seedValue)
                        : MeasureSingle(id, stepCount, seedValue);
                    table.AddRow(Markup.Escape(id), m.StepsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                        double.IsNaN(m.ResetMicroseconds) ? "-" : m.ResetMicroseconds.ToString("F2", CultureInfo.InvariantCulture),
                        m.BytesPerStep.ToString("F1", CultureInfo.InvariantCulture),
                        double.IsNaN(m.BytesPerReset) ? "-" : m.BytesPerReset.ToString("F0", CultureInfo.InvariantCulture),
                        $"{m.Collections[0]}/{m.Collections[1]}/{m.Collections[2]}");
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    table.AddRow(Markup.Escape(id), $"[yellow]unavailable:[/] {Markup.Escape(e.Message)}", "", "", "", "");
                }
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[grey]{stepCount:N0} steps each, {(vector ? $"{copies} env{(copies == 1 ? "" : "s")}, {mode.ToString().ToLowerInvariant()} vector env" : "one env on one thread")}, random actions, seed {seedValue}[/]");
            return Task.FromResult(RlAlignCommand.ExitOk);
        });
        return command;
    }

    /// <summary>
    /// What one run measured. Steps/s includes the resets; bytes per step exclude what resets allocate
    /// (reported per reset); <see cref="Collections"/> counts the gen 0/1/2 GCs during the timed run.
    /// </summary>
    private readonly record struct Measurement(double StepsPerSecond, double ResetMicroseconds, double BytesPerStep, double BytesPerReset, int[] Collections);

    private static int[] CollectionCounts() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    private static int[] CollectionsSince(int[] before)
    {
        int[] after = CollectionCounts();
        return [after[0] - before[0], after[1] - before[1], after[2] - before[2]];
    }

    /// <summary>One env on this thread; resets are timed and their allocations counted separately.</summary>
    private static Measurement MeasureSingle(string id, int steps, ulong seed)
    {
        using IEnv env = Core.Envs.Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        NumpyGenerator random = NumpyGenerator.FromSeed(seed);
        env.Reset(observation, seed);
        Run(env, random, observation, action, Math.Min(steps, 1_000), out _, out _, out _); // warm up the JIT and caches

        int[] collectionsBefore = CollectionCounts();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        Run(env, random, observation, action, steps, out long resetTicks, out int resets, out long resetBytes);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        double resetMicroseconds = resets == 0 ? double.NaN : resetTicks * 1e6 / Stopwatch.Frequency / resets;
        return new Measurement(steps / elapsed.TotalSeconds, resetMicroseconds, (double)(allocated - resetBytes) / steps,
            resets == 0 ? double.NaN : (double)resetBytes / resets, CollectionsSince(collectionsBefore));
    }

    private static void Run(IEnv env, NumpyGenerator random, float[] observation, float[] action, int steps, out long resetTicks, out int resets, out long resetBytes)
    {
        resetTicks = 0;
        resets = 0;
        resetBytes = 0;
        for (int i = 0; i < steps; i++)
        {
            env.ActionSpace.Sample(random, action);
            if (!env.Step(action, observation).Done) continue;
            long bytesBefore = GC.GetAllocatedBytesForCurrentThread();
            long before = Stopwatch.GetTimestamp();
            env.Reset(observation);
            resetTicks += Stopwatch.GetTimestamp() - before;
            resetBytes += GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
            resets++;
        }
    }

    private static Measurement MeasureVector(string id, int steps, int copies, VectorMode mode, ulong seed)
    {
        using IVectorEnv envs = VectorEnvs.Make(id, copies, mode);
        var actions = new float[copies * envs.ActionSize];
        NumpyGenerator random = NumpyGenerator.FromSeed(seed);
        envs.Reset(seed);
        void Batch(int count)
        {
            for (int i = 0; i < count; i++)
            {
                for (int e = 0; e < copies; e++) envs.SingleActionSpace.Sample(random, actions.AsSpan(e * envs.ActionSize, envs.ActionSize));
                envs.Step(actions);
            }
        }
        Batch(Math.Min(steps, 200));
        int[] collectionsBefore = CollectionCounts();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        Batch(steps);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        // Autoresets happen inside Step here, so bytes per step include them.
        return new Measurement((double)steps * copies / elapsed.TotalSeconds, double.NaN, (double)allocated / ((double)steps * copies), double.NaN,
            CollectionsSince(collectionsBefore));
    }
}
