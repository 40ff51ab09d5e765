using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>
/// Preallocated storage of one on-policy rollout: <c>NumSteps</c> steps of <c>NumEnvs</c> envs.
/// What the policy produces stays on the device (observations, actions, log-probabilities, values,
/// [steps, envs, ...]); what the envs produce and the advantage estimator reads stays on the host
/// (rewards, dones, advantages, returns; step-major <c>t * NumEnvs + e</c>). Per-step views are made
/// once, so filling the buffer adds no tensor ops beyond the copies themselves.
/// </summary>
public sealed class RolloutBuffer : IDisposable
{
    private readonly Tensor[] _observationSteps;
    private readonly Tensor[] _actionSteps;
    private readonly Tensor[] _logProbSteps;
    private readonly Tensor[] _valueSteps;

    public RolloutBuffer(int numSteps, int numEnvs, int observationSize, int actionSize, Device device)
    {
        NumSteps = numSteps;
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        // Detached from any dispose scope the caller may be in: the buffer lives as long as its owner.
        Observations = zeros([numSteps, numEnvs, observationSize], device: device).DetachFromDisposeScope();
        Actions = zeros([numSteps, numEnvs, actionSize], device: device).DetachFromDisposeScope();
        LogProbs = zeros([numSteps, numEnvs], device: device).DetachFromDisposeScope();
        Values = zeros([numSteps, numEnvs], device: device).DetachFromDisposeScope();
        AdvantagesTensor = zeros(numSteps * numEnvs, device: device).DetachFromDisposeScope();
        ReturnsTensor = zeros(numSteps * numEnvs, device: device).DetachFromDisposeScope();
        _observationSteps = StepViews(Observations);
        _actionSteps = StepViews(Actions);
        _logProbSteps = StepViews(LogProbs);
        _valueSteps = StepViews(Values);

        int size = numSteps * numEnvs;
        Rewards = new float[size];
        Dones = new float[size];
        TruncatedFinalValues = new float[size];
        HostValues = new float[size];
        Advantages = new float[size];
        Returns = new float[size];
    }

    public int NumSteps { get; }
    public int NumEnvs { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }
    public int BatchSize => NumSteps * NumEnvs;

    /// <summary>[steps, envs, observationSize] on the device.</summary>
    public Tensor Observations { get; }

    /// <summary>[steps, envs, actionSize] on the device: the sampled (unclipped) actions.</summary>
    public Tensor Actions { get; }

    /// <summary>[steps, envs]: log π_old(a_t | s_t).</summary>
    public Tensor LogProbs { get; }

    /// <summary>[steps, envs]: V_old(s_t).</summary>
    public Tensor Values { get; }

    public float[] Rewards { get; }

    /// <summary>1 where s_t is the first observation of a new episode (CleanRL's <c>dones</c>).</summary>
    public float[] Dones { get; }

    /// <summary>V(final observation) at steps truncated by a time limit, 0 elsewhere (time-limit bootstrap).</summary>
    public float[] TruncatedFinalValues { get; }

    /// <summary><see cref="Values"/> copied to the host for the advantage estimator.</summary>
    public float[] HostValues { get; }

    public float[] Advantages { get; }
    public float[] Returns { get; }

    /// <summary><see cref="Advantages"/> on the device, [steps * envs], after <see cref="UploadAdvantages"/>.</summary>
    public Tensor AdvantagesTensor { get; }

    /// <summary><see cref="Returns"/> on the device, [steps * envs], after <see cref="UploadAdvantages"/>.</summary>
    public Tensor ReturnsTensor { get; }

    /// <summary>Copies the host advantages and returns to <see cref="AdvantagesTensor"/> and <see cref="ReturnsTensor"/>.</summary>
    public void UploadAdvantages()
    {
        HostCopy.FromHost(Advantages, AdvantagesTensor);
        HostCopy.FromHost(Returns, ReturnsTensor);
    }

    /// <summary>The observations of step <paramref name="step"/>, [envs, observationSize] (a view into <see cref="Observations"/>).</summary>
    public Tensor ObservationsAt(int step) => _observationSteps[step];

    /// <summary>Stores the policy's output for step <paramref name="step"/>: actions [envs, actionSize], log-probabilities and values [envs].</summary>
    public void Store(int step, Tensor actions, Tensor logProbs, Tensor values)
    {
        // On the CPU these are memory copies, not tensor ops: the rollout's hot loop is dominated by per-op overhead.
        HostCopy.Copy(actions, _actionSteps[step]);
        HostCopy.Copy(logProbs, _logProbSteps[step]);
        HostCopy.Copy(values, _valueSteps[step]);
    }

    /// <summary>Clears the time-limit bootstrap values before a new rollout.</summary>
    public void ClearTruncations() => Array.Clear(TruncatedFinalValues);

    public void Dispose()
    {
        foreach (Tensor view in _observationSteps.Concat(_actionSteps).Concat(_logProbSteps).Concat(_valueSteps)) view.Dispose();
        Observations.Dispose();
        Actions.Dispose();
        LogProbs.Dispose();
        Values.Dispose();
        AdvantagesTensor.Dispose();
        ReturnsTensor.Dispose();
    }

    private static Tensor[] StepViews(Tensor buffer)
    {
        var views = new Tensor[buffer.shape[0]];
        for (int t = 0; t < views.Length; t++) views[t] = buffer[t].DetachFromDisposeScope();
        return views;
    }
}
