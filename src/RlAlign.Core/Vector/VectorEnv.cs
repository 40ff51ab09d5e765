using RlAlign.Core.Spaces;

namespace RlAlign.Core.Vector;

/// <summary>
/// The logic shared by every <see cref="IVectorEnv"/>: buffers, stepping one env with same-step
/// autoreset, seeding and checkpoints. Subclasses decide only how the env indices are dispatched
/// (<see cref="Dispatch"/>): in the caller's thread, or over worker threads.
/// A vector env owns its envs and disposes them. It is not safe to call from several threads at once.
/// </summary>
public abstract class VectorEnv : IVectorEnv, IStateful
{
    private readonly IEnv[] _envs;
    private readonly float[] _actions;
    private VectorOperation _operation;
    private ulong? _resetSeed;
    private bool _disposed;

    protected VectorEnv(IReadOnlyList<IEnv> envs)
    {
        ArgumentNullException.ThrowIfNull(envs);
        if (envs.Count == 0) throw new ArgumentException("A vector env needs at least one env.", nameof(envs));
        _envs = new IEnv[envs.Count];
        for (int i = 0; i < envs.Count; i++)
            _envs[i] = envs[i] ?? throw new ArgumentException($"Env {i} of the vector env is null.", nameof(envs));

        SingleObservationSpace = _envs[0].ObservationSpace;
        SingleActionSpace = _envs[0].ActionSpace;
        ObservationSize = SingleObservationSpace.FlatSize;
        ActionSize = SingleActionSpace.FlatSize;
        for (int i = 1; i < _envs.Length; i++)
        {
            if (_envs[i].ObservationSpace.FlatSize != ObservationSize || _envs[i].ActionSpace.FlatSize != ActionSize)
                throw new ArgumentException(
                    $"Env {i} has spaces {_envs[i].ObservationSpace} / {_envs[i].ActionSpace}, but env 0 has {SingleObservationSpace} / {SingleActionSpace}; all envs of a vector env must match.",
                    nameof(envs));
        }

        Observations = new float[NumEnvs * ObservationSize];
        FinalObservations = new float[NumEnvs * ObservationSize];
        Rewards = new double[NumEnvs];
        Terminations = new bool[NumEnvs];
        Truncations = new bool[NumEnvs];
        _actions = new float[NumEnvs * ActionSize];
    }

    /// <summary>Builds <paramref name="numEnvs"/> envs with <paramref name="makeEnv"/>(index), disposing those made if one fails.</summary>
    protected static IEnv[] MakeEnvs(Func<int, IEnv> makeEnv, int numEnvs)
    {
        ArgumentNullException.ThrowIfNull(makeEnv);
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, $"A vector env needs numEnvs > 0, got {numEnvs}.");
        var envs = new IEnv[numEnvs];
        try
        {
            for (int i = 0; i < numEnvs; i++) envs[i] = makeEnv(i);
        }
        catch
        {
            foreach (IEnv? made in envs) made?.Dispose();
            throw;
        }
        return envs;
    }

    public int NumEnvs => _envs.Length;
    public Space SingleObservationSpace { get; }
    public Space SingleActionSpace { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }
    public float[] Observations { get; }
    public double[] Rewards { get; }
    public bool[] Terminations { get; }
    public bool[] Truncations { get; }

    /// <summary>
    /// Env i's last observation where its episode ended in the latest step
    /// (<c>Terminations[i] || Truncations[i]</c>); other slices hold older values.
    /// </summary>
    public float[] FinalObservations { get; }

    public IEnv GetEnv(int index) => _envs[index];

    public void Reset(ulong? seed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _resetSeed = seed;
        _operation = VectorOperation.Reset;
        Dispatch();
    }

    public void Step(ReadOnlySpan<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (actions.Length != _actions.Length)
            throw new ArgumentException($"Step needs {NumEnvs} x {ActionSize} = {_actions.Length} action values, got {actions.Length}.", nameof(actions));
        // Copied so that worker threads can read the actions after this span's stack frame is gone.
        actions.CopyTo(_actions);
        _operation = VectorOperation.Step;
        Dispatch();
    }

    /// <summary>Runs <see cref="RunRange"/> over a partition of <c>0 .. NumEnvs</c> and returns when all are done.</summary>
    protected abstract void Dispatch();

    /// <summary>
    /// Applies the pending operation (step or reset) to envs <paramref name="start"/> .. <paramref name="end"/> - 1.
    /// Safe to run concurrently on disjoint ranges. Failures are rethrown as <see cref="VectorEnvException"/> naming the env.
    /// </summary>
    protected void RunRange(int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            try
            {
                if (_operation == VectorOperation.Step) StepEnv(i);
                else ResetEnv(i);
            }
            catch (Exception e)
            {
                throw new VectorEnvException(i, _operation, e);
            }
        }
    }

    private void StepEnv(int index)
    {
        Span<float> observation = Observations.AsSpan(index * ObservationSize, ObservationSize);
        StepResult result = _envs[index].Step(_actions.AsSpan(index * ActionSize, ActionSize), observation);
        Rewards[index] = result.Reward;
        Terminations[index] = result.Terminated;
        Truncations[index] = result.Truncated;
        if (result.Done)
        {
            observation.CopyTo(FinalObservations.AsSpan(index * ObservationSize, ObservationSize));
            _envs[index].Reset(observation);
        }
    }

    private void ResetEnv(int index)
    {
        ulong? seed = _resetSeed is ulong s ? unchecked(s + (ulong)index) : null;
        _envs[index].Reset(Observations.AsSpan(index * ObservationSize, ObservationSize), seed);
        Rewards[index] = 0;
        Terminations[index] = false;
        Truncations[index] = false;
    }

    /// <summary>Writes every env's state (through its wrappers) and the buffers of the latest step.</summary>
    public void SaveState(BinaryWriter writer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.Write(NumEnvs);
        writer.Write(ObservationSize);
        for (int i = 0; i < NumEnvs; i++)
        {
            try { _envs[i].SaveEnvState(writer); }
            catch (NotSupportedException e) { throw new NotSupportedException($"Vector env {i}: {e.Message}", e); }
        }
        foreach (float value in Observations) writer.Write(value);
        foreach (float value in FinalObservations) writer.Write(value);
        for (int i = 0; i < NumEnvs; i++)
        {
            writer.Write(Rewards[i]);
            writer.Write(Terminations[i]);
            writer.Write(Truncations[i]);
        }
    }

    public void LoadState(BinaryReader reader)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int numEnvs = reader.ReadInt32(), observationSize = reader.ReadInt32();
        if (numEnvs != NumEnvs || observationSize != ObservationSize)
            throw new InvalidDataException($"The state was saved from {numEnvs} envs with observations of {observationSize} values; this vector env has {NumEnvs} of {ObservationSize}.");
        for (int i = 0; i < NumEnvs; i++)
        {
            try { _envs[i].LoadEnvState(reader); }
            catch (NotSupportedException e) { throw new NotSupportedException($"Vector env {i}: {e.Message}", e); }
        }
        for (int i = 0; i < Observations.Length; i++) Observations[i] = reader.ReadSingle();
        for (int i = 0; i < FinalObservations.Length; i++) FinalObservations[i] = reader.ReadSingle();
        for (int i = 0; i < NumEnvs; i++)
        {
            Rewards[i] = reader.ReadDouble();
            Terminations[i] = reader.ReadBoolean();
            Truncations[i] = reader.ReadBoolean();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the subclass's resources (stopping workers first), then disposes the envs.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        List<Exception>? failures = null;
        foreach (IEnv env in _envs)
        {
            try { env.Dispose(); }
            catch (Exception e) { (failures ??= []).Add(e); }
        }
        if (failures is not null) throw new AggregateException("Disposing the vector env's envs failed.", failures);
    }
}

/// <summary>What a vector env was doing to its envs.</summary>
public enum VectorOperation { Step, Reset }

/// <summary>An env of a vector env failed; <see cref="Exception.InnerException"/> is the env's own exception.</summary>
public sealed class VectorEnvException(int envIndex, VectorOperation operation, Exception inner)
    : Exception($"Env {envIndex} of the vector env failed during {operation}: {inner.Message}", inner)
{
    public int EnvIndex { get; } = envIndex;
    public VectorOperation Operation { get; } = operation;
}
