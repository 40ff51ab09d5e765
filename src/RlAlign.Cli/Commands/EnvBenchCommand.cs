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
/// (or through a vector env), mean reset time and managed bytes allocated per step.
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

            var table = new Table().AddColumns("id", "steps/s", "mean reset (µs)", "bytes/step");
            foreach (string id in Core.Envs.Ids.Where(i => text is null || i.Contains(text, StringComparison.OrdinalIgnoreCase)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    (double stepsPerSecond, double resetMicroseconds, double bytesPerStep) = vector
                        ? MeasureVector(id, stepCount, copies, mode, seedValue)
                        : MeasureSingle(id, stepCount, seedValue);
                    table.AddRow(Markup.Escape(id), stepsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                        double.IsNaN(resetMicroseconds) ? "-" : resetMicroseconds.ToString("F2", CultureInfo.InvariantCulture),
                        bytesPerStep.ToString("F1", CultureInfo.InvariantCulture));
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    table.AddRow(Markup.Escape(id), $"[yellow]unavailable:[/] {Markup.Escape(e.Message)}", "", "");
                }
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[grey]{stepCount:N0} steps each, {(vector ? $"{copies} env{(copies == 1 ? "" : "s")}, {mode.ToString().ToLowerInvariant()} vector env" : "one env on one thread")}, random actions, seed {seedValue}[/]");
            return Task.FromResult(RlAlignCommand.ExitOk);
        });
        return command;
    }

    /// <summary>One env on this thread; resets are timed separately and excluded from nothing (steps/s includes them).</summary>
    private static (double StepsPerSecond, double ResetMicroseconds, double BytesPerStep) MeasureSingle(string id, int steps, ulong seed)
    {
        using IEnv env = Core.Envs.Make(id);
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        NumpyGenerator random = NumpyGenerator.FromSeed(seed);
        env.Reset(observation, seed);
        Run(env, random, observation, action, Math.Min(steps, 1_000), out _, out _); // warm up the JIT and caches

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        Run(env, random, observation, action, steps, out long resetTicks, out int resets);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        double resetMicroseconds = resets == 0 ? double.NaN : resetTicks * 1e6 / Stopwatch.Frequency / resets;
        return (steps / elapsed.TotalSeconds, resetMicroseconds, (double)allocated / steps);
    }

    private static void Run(IEnv env, NumpyGenerator random, float[] observation, float[] action, int steps, out long resetTicks, out int resets)
    {
        resetTicks = 0;
        resets = 0;
        for (int i = 0; i < steps; i++)
        {
            env.ActionSpace.Sample(random, action);
            if (!env.Step(action, observation).Done) continue;
            long before = Stopwatch.GetTimestamp();
            env.Reset(observation);
            resetTicks += Stopwatch.GetTimestamp() - before;
            resets++;
        }
    }

    private static (double StepsPerSecond, double ResetMicroseconds, double BytesPerStep) MeasureVector(string id, int steps, int copies, VectorMode mode, ulong seed)
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
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        Batch(steps);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return ((double)steps * copies / elapsed.TotalSeconds, double.NaN, (double)allocated / ((double)steps * copies));
    }
}
