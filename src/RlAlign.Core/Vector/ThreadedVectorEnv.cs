using System.Runtime.ExceptionServices;

namespace RlAlign.Core.Vector;

/// <summary>
/// Steps the envs in parallel on a fixed set of long-lived worker threads, each owning a contiguous
/// slice of envs (so an env is always stepped on the same thread). A step wakes every worker and waits
/// for all of them; it allocates nothing. An exception in an env reaches the caller of
/// <see cref="VectorEnv.Step"/> as a <see cref="VectorEnvException"/> naming the env (the lowest index
/// when several fail); the other envs of that slice are then left unstepped, so reset before going on.
/// Dispose it to stop the workers.
/// </summary>
public sealed class ThreadedVectorEnv : VectorEnv
{
    private readonly Worker[] _workers;
    // SemaphoreSlim rather than ManualResetEventSlim/CountdownEvent: it creates its lock eagerly, so even
    // the first wait that blocks instead of spinning allocates nothing.
    private readonly SemaphoreSlim _allWorkersDone = new(0);
    private int _workersRunning;
    private volatile bool _stopping;

    /// <param name="workerCount">Threads to use; default <c>min(envs.Count, Environment.ProcessorCount)</c>.</param>
    public ThreadedVectorEnv(IReadOnlyList<IEnv> envs, int? workerCount = null) : base(envs)
    {
        int count = Math.Min(CheckWorkerCount(workerCount) ?? Environment.ProcessorCount, NumEnvs);

        _workers = new Worker[count];
        for (int w = 0; w < count; w++)
        {
            var worker = new Worker(start: w * NumEnvs / count, end: (w + 1) * NumEnvs / count);
            worker.Thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"RlAlign vector env worker {w}" };
            _workers[w] = worker;
        }
        foreach (Worker worker in _workers) worker.Thread!.Start(worker);
    }

    /// <summary>Builds env i with <paramref name="makeEnv"/>(i).</summary>
    public ThreadedVectorEnv(Func<int, IEnv> makeEnv, int numEnvs, int? workerCount = null)
        // Named arguments run in the order written: a bad worker count fails before any env is made.
        : this(workerCount: CheckWorkerCount(workerCount), envs: MakeEnvs(makeEnv, numEnvs)) { }

    public int WorkerCount => _workers.Length;

    protected override void Dispatch()
    {
        _workersRunning = _workers.Length;
        foreach (Worker worker in _workers) worker.Go.Release();
        _allWorkersDone.Wait();

        Exception? failure = null;
        foreach (Worker worker in _workers)
        {
            failure ??= worker.Failure;
            worker.Failure = null;
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    private static int? CheckWorkerCount(int? workerCount) => workerCount <= 0
        ? throw new ArgumentOutOfRangeException(nameof(workerCount), workerCount, $"ThreadedVectorEnv needs workerCount > 0, got {workerCount}.")
        : workerCount;

    private void WorkerLoop(object? state)
    {
        var worker = (Worker)state!;
        while (true)
        {
            worker.Go.Wait();
            if (_stopping) return;
            try
            {
                RunRange(worker.Start, worker.End);
            }
            catch (Exception e)
            {
                worker.Failure = e;
            }
            finally
            {
                if (Interlocked.Decrement(ref _workersRunning) == 0) _allWorkersDone.Release();
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping = true;
            foreach (Worker worker in _workers) worker.Go.Release();
            foreach (Worker worker in _workers) worker.Thread!.Join();
            foreach (Worker worker in _workers) worker.Go.Dispose();
            _allWorkersDone.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed class Worker(int start, int end)
    {
        public int Start { get; } = start;
        public int End { get; } = end;
        public SemaphoreSlim Go { get; } = new(0);
        public Thread? Thread { get; set; }

        /// <summary>Written by the worker before it signals completion, read by the caller after.</summary>
        public Exception? Failure { get; set; }
    }
}
