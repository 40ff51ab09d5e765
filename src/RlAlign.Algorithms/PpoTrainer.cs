using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using RlAlign.Core;
using RlAlign.Core.Vector;
using RlAlign.Core.Wrappers;
using RlAlign.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>
/// PPO-clip as CleanRL's ppo.py / ppo_continuous_action.py (spec §1), one iteration at a time:
/// collect <c>num_steps</c> per env → GAE → <c>update_epochs</c> passes of shuffled minibatch updates.
/// A policy with memory (<see cref="PpoPolicy.MemorySize"/> &gt; 0) is trained as ppo_atari_lstm.py does: the
/// rollout carries each env's memory (zeroed where an episode starts) and keeps the memory it started from;
/// minibatches are whole env sequences, re-run from that stored memory with the same resets.
/// Everything it does is seeded from <see cref="PpoConfig.Seed"/> (explicit generators for weights,
/// action sampling and minibatch shuffling), and <see cref="SaveCheckpoint"/> captures all of it, so a
/// resumed run continues bit for bit (on the CPU) as if it had never stopped.
/// </summary>
public sealed class PpoTrainer : IDisposable
{
    /// <summary>The algorithm name written into checkpoints.</summary>
    public const string AlgorithmName = "ppo";

    private const int CheckpointEndMarker = 0x454E4421; // "!DNE": the payload was read to its end in step with the writer.

    private static readonly JsonSerializerOptions ConfigJson = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly bool _ownsEnvs;
    private readonly bool _ownsPolicy;
    private readonly IMetricsSink? _metrics;
    private readonly Generator _actionGenerator;
    private readonly Generator _shuffleGenerator;
    private readonly FlatAdam _optimizer;
    private readonly RolloutBuffer _buffer;
    private readonly Tensor _observationBatch;
    private readonly RecordEpisodeStatistics?[] _episodeStatistics;
    private readonly float[] _nextDones;
    private readonly float[] _nextValues;
    private readonly float[] _hostActions;
    // Recurrent policies only (null otherwise): each env's memory now, at the rollout's start, and the episode-start flags on the device.
    private readonly Tensor? _memory;
    private readonly Tensor? _rolloutStartMemory;
    private readonly Tensor? _episodeStarts;
    private readonly Tensor? _rolloutStarts;
    private readonly float[] _noEpisodeStarts;
    // The gradients of everything but the value head, zeroed while the critic warms up (empty without a warm-up).
    private readonly Tensor[] _nonCriticGradients;
    private long _spsStartStep;
    private long _spsStartTimestamp;
    private bool _disposed;

    /// <param name="config">Validated here; <see cref="PpoConfig.Seed"/> seeds the envs, the initial weights, action sampling and shuffling.</param>
    /// <param name="envs">The vector env to train on; null builds <see cref="PpoEnvs.MakeVectorEnv"/>. The trainer disposes only envs it built.</param>
    /// <param name="policy">
    /// The network to train; null builds the config's (<see cref="PpoPolicies.Create"/>: CleanRL's actor-critic by
    /// default) for the env's spaces, initial weights from the seed.
    /// A given policy is moved to the device and its parameters are repacked into the optimizer's flat buffer
    /// (values unchanged; see <see cref="FlatAdam"/>). The trainer disposes only a policy it built.
    /// </param>
    /// <param name="metrics">Receives CleanRL's metrics (<see cref="MetricNames"/>).</param>
    public PpoTrainer(PpoConfig config, IVectorEnv? envs = null, PpoPolicy? policy = null, IMetricsSink? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _metrics = metrics;
        torch.set_num_threads(config.TorchThreads);
        Device = TorchDevices.Resolve(config.Device);

        _ownsEnvs = envs is null;
        Envs = envs ?? PpoEnvs.MakeVectorEnv(config);
        try
        {
            if (Envs.NumEnvs != config.NumEnvs)
                throw new ArgumentException($"The vector env has {Envs.NumEnvs} envs but num_envs is {config.NumEnvs}.", nameof(envs));
            ulong seed = unchecked((ulong)config.Seed);
            _ownsPolicy = policy is null;
            if (policy is null)
            {
                // Separate generators per purpose, so that e.g. changing the network does not shift the action samples' stream.
                using var initGenerator = new Generator(seed);
                policy = PpoPolicies.Create(config, Envs.SingleObservationSpace, Envs.SingleActionSpace, initGenerator);
            }
            else if (policy.ObservationSize != Envs.ObservationSize || policy.ActionSize != Envs.ActionSize)
            {
                throw new ArgumentException(
                    $"The policy takes {policy.ObservationSize} observation and {policy.ActionSize} action values, but the env has {Envs.ObservationSize} and {Envs.ActionSize}.",
                    nameof(policy));
            }
            Policy = policy;
            Policy.to(Device);
            // Packs the policy's parameters into one buffer (they stay usable as the module's own); must follow .to(Device).
            _optimizer = new FlatAdam(Policy.parameters().ToArray(), config.LearningRate, eps: 1e-5);
            _nonCriticGradients = config.CriticWarmupIterations == 0 ? [] : NonCriticGradients(Policy);
            _actionGenerator = new Generator(unchecked(seed + 1), Device);
            _shuffleGenerator = new Generator(unchecked(seed + 2));

            _buffer = new RolloutBuffer(config.NumSteps, config.NumEnvs, Envs.ObservationSize, Envs.ActionSize, Device);
            _observationBatch = zeros([config.NumEnvs, Envs.ObservationSize], device: Device).DetachFromDisposeScope();
            _episodeStatistics = Enumerable.Range(0, Envs.NumEnvs).Select(i => Envs.GetEnv(i).FindWrapper<RecordEpisodeStatistics>()).ToArray();
            _nextDones = new float[config.NumEnvs];
            _nextValues = new float[config.NumEnvs];
            _hostActions = new float[config.NumEnvs * Envs.ActionSize];
            _noEpisodeStarts = new float[config.NumEnvs];
            if (Policy.MemorySize > 0)
            {
                if (config.NumEnvs % config.NumMinibatches != 0)
                    throw new ArgumentException($"The policy has a memory, so minibatches are whole env sequences: num_minibatches ({config.NumMinibatches}) must divide num_envs ({config.NumEnvs}).", nameof(config));
                _memory = zeros([config.NumEnvs, Policy.MemorySize], device: Device).DetachFromDisposeScope();
                _rolloutStartMemory = zeros([config.NumEnvs, Policy.MemorySize], device: Device).DetachFromDisposeScope();
                _episodeStarts = zeros([config.NumEnvs], device: Device).DetachFromDisposeScope();
                _rolloutStarts = zeros([config.NumSteps, config.NumEnvs], device: Device).DetachFromDisposeScope();
            }

            Envs.Reset(seed);
            NumIterations = config.NumIterations;
            ResetStepsPerSecond();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Builds a trainer from the config stored in a checkpoint and restores its full state.</summary>
    /// <param name="adjust">Changes to the stored config before the trainer is built (e.g. more total_timesteps, another device).</param>
    public static PpoTrainer FromCheckpoint(string path, IMetricsSink? metrics = null, Func<PpoConfig, PpoConfig>? adjust = null)
    {
        PpoConfig config;
        using (BinaryReader reader = CheckpointFile.Open(path, AlgorithmName))
            config = ReadConfig(reader, path);
        // The checkpoint holds the weights, so a behaviour-cloning init_from (perhaps moved or deleted since) is not read.
        config = config with { InitFrom = null };
        if (adjust is not null) config = adjust(config);
        var trainer = new PpoTrainer(config, metrics: metrics);
        try
        {
            trainer.LoadCheckpoint(path);
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    public PpoConfig Config { get; }
    public IVectorEnv Envs { get; }
    public PpoPolicy Policy { get; }
    public Device Device { get; }

    /// <summary>The latest rollout (observations, unclipped actions, log-probabilities, values, rewards, advantages, returns).</summary>
    public RolloutBuffer Rollout => _buffer;

    /// <summary>Env steps taken so far, summed over the envs (CleanRL's <c>global_step</c>).</summary>
    public long GlobalStep { get; private set; }

    /// <summary>Iterations completed (1-based while one runs, as CleanRL's <c>iteration</c>).</summary>
    public int Iteration { get; private set; }

    public int NumIterations { get; }
    public bool IsFinished => Iteration >= NumIterations;

    /// <summary>The learning rate the optimizer uses now.</summary>
    public double LearningRate => _optimizer.LearningRate;

    /// <summary>Raised for every episode that finishes during a rollout (needs RecordEpisodeStatistics in the env stack).</summary>
    public event Action<EpisodeStats>? EpisodeCompleted;

    /// <summary>Raised after each minibatch update; subscribing adds one reduction per minibatch (the max |ratio - 1|).</summary>
    public event Action<MinibatchStats>? MinibatchCompleted;

    /// <summary>Raised after each iteration, after its metrics went to the sink.</summary>
    public event Action<IterationStats>? IterationCompleted;

    /// <summary>Runs iterations until <see cref="NumIterations"/>; cancellation is honoured between iterations, where a checkpoint is consistent.</summary>
    public void Train(CancellationToken cancellationToken = default)
    {
        while (!IsFinished)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunIteration();
        }
    }

    /// <summary>One PPO iteration: anneal the learning rate, collect a rollout, compute GAE, update the policy.</summary>
    /// <exception cref="NonFiniteLossException">
    /// A loss or the gradient norm was NaN/infinite; the bad step was not applied, but the iteration is incomplete,
    /// so continue from a checkpoint rather than with this trainer.
    /// </exception>
    public IterationStats RunIteration()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished) throw new InvalidOperationException($"Training is finished: all {NumIterations} iterations have run.");
        Iteration++;
        if (Config.AnnealLr)
        {
            double fraction = 1.0 - (Iteration - 1.0) / NumIterations;
            SetLearningRate(fraction * Config.LearningRate);
        }

        int episodes = CollectRollout();
        ComputeAdvantages();
        UpdateResult update = UpdatePolicy();

        double explainedVariance = PpoLosses.ExplainedVariance(_buffer.HostValues, _buffer.Returns);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(_spsStartTimestamp);
        double stepsPerSecond = Math.Floor((GlobalStep - _spsStartStep) / Math.Max(elapsed.TotalSeconds, 1e-9));
        var stats = new IterationStats(Iteration, NumIterations, GlobalStep, LearningRate,
            update.Last.PolicyLoss, update.Last.ValueLoss, update.Last.Entropy, update.Last.OldApproxKl, update.Last.ApproxKl,
            update.MeanClipFraction, explainedVariance, stepsPerSecond, update.EpochsRun, episodes, elapsed);
        Report(stats);
        IterationCompleted?.Invoke(stats);
        return stats;
    }

    private int CollectRollout()
    {
        int numEnvs = Config.NumEnvs;
        int episodes = 0;
        if (Config.BootstrapOnTruncation) _buffer.ClearTruncations();
        // ppo_atari_lstm.py's initial_lstm_state: the update re-runs each env's sequence from here.
        if (_memory is not null) _rolloutStartMemory!.copy_(_memory);
        for (int step = 0; step < Config.NumSteps; step++)
        {
            GlobalStep += numEnvs;
            _nextDones.CopyTo(_buffer.Dones.AsSpan(step * numEnvs, numEnvs));
            using (NewDisposeScope())
            using (no_grad())
            {
                Tensor observations = _buffer.ObservationsAt(step);
                HostCopy.FromHost(Envs.Observations, observations);
                PolicyStep act = _memory is null ? Policy.Act(observations, _actionGenerator) : ActRecurrent(observations);
                _buffer.Store(step, act.Action, act.LogProb, act.Value);
                // The env gets the sample as drawn; Box actions are clipped, if at all, by the ClipAction wrapper (detail 18).
                HostCopy.ToHost(act.Action, _hostActions);
            }

            Envs.Step(_hostActions);

            bool anyTruncated = false;
            for (int e = 0; e < numEnvs; e++)
            {
                _buffer.Rewards[step * numEnvs + e] = (float)Envs.Rewards[e];
                bool terminated = Envs.Terminations[e], truncated = Envs.Truncations[e];
                _nextDones[e] = terminated || truncated ? 1f : 0f;
                anyTruncated |= truncated && !terminated;
                if ((terminated || truncated) && _episodeStatistics[e] is { EpisodeEnded: true } episode)
                {
                    episodes++;
                    ReportEpisode(new EpisodeStats(GlobalStep, e, episode.LastEpisodeReturn, episode.LastEpisodeLength));
                }
            }
            if (Config.BootstrapOnTruncation && anyTruncated) StoreTruncatedFinalValues(step);
        }
        return episodes;
    }

    // One step of every env with its memory, reset where the observation starts an episode (CleanRL's next_done).
    private PolicyStep ActRecurrent(Tensor observations)
    {
        HostCopy.FromHost(_nextDones, _episodeStarts!);
        RecurrentOutput output = Policy.Unroll(observations, _memory!, _episodeStarts!);
        (Tensor action, Tensor logProb) = output.Distribution.SampleWithLogProb(_actionGenerator);
        _memory!.copy_(output.Memory);
        return new PolicyStep(action, logProb, output.Value);
    }

    // V(s) of the observations now in the envs; a recurrent policy reads them with its memory (not advanced).
    private Tensor CurrentValues(Tensor observations, ReadOnlySpan<float> episodeStarts)
    {
        if (_memory is null) return Policy.GetValue(observations);
        HostCopy.FromHost(episodeStarts, _episodeStarts!);
        return Policy.Unroll(observations, _memory, _episodeStarts!).Value;
    }

    private void StoreTruncatedFinalValues(int step)
    {
        int numEnvs = Config.NumEnvs;
        using (NewDisposeScope())
        using (no_grad())
        {
            HostCopy.FromHost(Envs.FinalObservations, _observationBatch);
            // A final observation continues its episode: the memory is not reset for it.
            HostCopy.ToHost(CurrentValues(_observationBatch, _noEpisodeStarts), _nextValues);
        }
        for (int e = 0; e < numEnvs; e++)
            if (Envs.Truncations[e] && !Envs.Terminations[e])
                _buffer.TruncatedFinalValues[step * numEnvs + e] = _nextValues[e];
    }

    private void ComputeAdvantages()
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            HostCopy.FromHost(Envs.Observations, _observationBatch);
            HostCopy.ToHost(CurrentValues(_observationBatch, _nextDones), _nextValues);
            HostCopy.ToHost(_buffer.Values, _buffer.HostValues);
        }
        Gae.Compute(_buffer.Rewards, _buffer.HostValues, _buffer.Dones, _nextValues, _nextDones,
            (float)Config.Gamma, (float)Config.GaeLambda, _buffer.Advantages, _buffer.Returns,
            Config.BootstrapOnTruncation, _buffer.TruncatedFinalValues);
        _buffer.UploadAdvantages();
    }

    private readonly record struct UpdateResult(MinibatchStats Last, double MeanClipFraction, int EpochsRun);

    private UpdateResult UpdatePolicy()
    {
        using DisposeScope iterationScope = NewDisposeScope();
        int batchSize = Config.BatchSize, minibatchSize = Config.MinibatchSize;
        Tensor observations = _buffer.Observations.reshape(batchSize, Envs.ObservationSize);
        Tensor actions = _buffer.Actions.reshape(batchSize, Envs.ActionSize);
        Tensor logProbs = _buffer.LogProbs.reshape(batchSize);
        Tensor values = _buffer.Values.reshape(batchSize);
        Tensor advantages = _buffer.AdvantagesTensor;
        Tensor returns = _buffer.ReturnsTensor;

        int numEnvs = Config.NumEnvs, envsPerMinibatch = numEnvs / Config.NumMinibatches;
        Tensor? flatIndices = null;
        if (_memory is not null)
        {
            HostCopy.FromHost(_buffer.Dones, _rolloutStarts!);
            // Row t * num_envs + e of the flat batch is step t of env e (ppo_atari_lstm.py's flatinds).
            flatIndices = arange(batchSize, dtype: ScalarType.Int64, device: Device).view(Config.NumSteps, numEnvs);
        }

        MinibatchStats last = default;
        double clipFractionSum = 0;
        int minibatches = 0, epochsRun = 0;
        for (int epoch = 0; epoch < Config.UpdateEpochs; epoch++)
        {
            epochsRun++;
            // Feed-forward: shuffled samples. Recurrent: shuffled envs, each minibatch their whole sequences.
            Tensor order = randperm(_memory is null ? batchSize : numEnvs, generator: _shuffleGenerator).to(Device);
            for (int start = 0, index = 0; start < batchSize; start += minibatchSize, index++)
            {
                using DisposeScope minibatchScope = NewDisposeScope();
                Tensor indices;
                ActionAndValue output;
                if (_memory is null)
                {
                    indices = order.narrow(0, start, minibatchSize);
                    output = Policy.GetActionAndValue(observations.index_select(0, indices), actions.index_select(0, indices));
                }
                else
                {
                    Tensor minibatchEnvs = order.narrow(0, index * envsPerMinibatch, envsPerMinibatch);
                    indices = flatIndices!.index_select(1, minibatchEnvs).reshape(-1);
                    RecurrentOutput sequence = Policy.Unroll(observations.index_select(0, indices),
                        _rolloutStartMemory!.index_select(0, minibatchEnvs), _rolloutStarts!.index_select(1, minibatchEnvs).reshape(-1));
                    Tensor minibatchActions = actions.index_select(0, indices);
                    output = new ActionAndValue(minibatchActions, sequence.Distribution.LogProb(minibatchActions), sequence.Distribution.Entropy(), sequence.Value);
                }
                Tensor logRatio = output.LogProb - logProbs.index_select(0, indices);
                Tensor ratio = logRatio.exp();
                PpoDiagnostics diagnostics = PpoLosses.Diagnostics(logRatio, ratio, Config.ClipCoef);

                Tensor minibatchAdvantages = advantages.index_select(0, indices);
                if (Config.NormAdv) minibatchAdvantages = PpoLosses.NormalizeAdvantages(minibatchAdvantages);
                Tensor policyLoss = PpoLosses.ClippedSurrogate(ratio, minibatchAdvantages, Config.ClipCoef);
                Tensor valueLoss = PpoLosses.ValueLoss(output.Value, values.index_select(0, indices), returns.index_select(0, indices), Config.ClipCoef, Config.ClipVloss);
                Tensor entropy = output.Entropy.mean();
                Tensor loss = policyLoss - Config.EntCoef * entropy + Config.VfCoef * valueLoss;

                double policyLossValue = policyLoss.item<float>(), valueLossValue = valueLoss.item<float>(), entropyValue = entropy.item<float>();
                EnsureFinite(MetricNames.PolicyLoss, policyLossValue);
                EnsureFinite(MetricNames.ValueLoss, valueLossValue);
                EnsureFinite(MetricNames.Entropy, entropyValue);
                EnsureFinite(MetricNames.TotalLoss, loss.item<float>());

                _optimizer.ZeroGrad();
                loss.backward();
                if (Iteration <= Config.CriticWarmupIterations)
                    foreach (Tensor gradient in _nonCriticGradients) gradient.zero_();
                double gradNorm = _optimizer.ClipGradNorm(Config.MaxGradNorm);
                EnsureFinite(MetricNames.GradNorm, gradNorm);
                _optimizer.Step();

                double clipFraction = diagnostics.ClipFraction.item<float>();
                clipFractionSum += clipFraction;
                minibatches++;
                last = new MinibatchStats(Iteration, epoch, index, policyLossValue, valueLossValue, entropyValue,
                    diagnostics.OldApproxKl.item<float>(), diagnostics.ApproxKl.item<float>(), clipFraction, gradNorm,
                    MinibatchCompleted is null ? double.NaN : (ratio.detach() - 1).abs().max().item<float>());
                MinibatchCompleted?.Invoke(last);
            }
            if (Config.TargetKl is double targetKl && last.ApproxKl > targetKl) break;
        }
        return new UpdateResult(last, clipFractionSum / minibatches, epochsRun);
    }

    // FlatAdam made each .grad a view of its flat buffer, so zeroing these before the step leaves those parameters (and their Adam moments) unchanged.
    private static Tensor[] NonCriticGradients(PpoPolicy policy)
    {
        Tensor[] gradients = [.. policy.named_parameters()
            .Where(p => !p.name.StartsWith(PpoPolicy.CriticPrefix, StringComparison.Ordinal))
            .Select(p => p.parameter.grad ?? throw new InvalidOperationException($"The parameter '{p.name}' has no gradient buffer."))];
        if (gradients.Length == policy.parameters().Count())
            throw new ArgumentException($"critic_warmup_iterations needs a value head named '{PpoPolicy.CriticPrefix}*'; {policy.GetType().Name} has none.");
        return gradients;
    }

    private void EnsureFinite(string quantity, double value)
    {
        if (!double.IsFinite(value)) throw new NonFiniteLossException(quantity, value, Iteration, GlobalStep);
    }

    private void SetLearningRate(double learningRate) => _optimizer.LearningRate = learningRate;

    private void ReportEpisode(EpisodeStats episode)
    {
        _metrics?.Add(MetricNames.EpisodicReturn, episode.Return, episode.GlobalStep);
        _metrics?.Add(MetricNames.EpisodicLength, episode.Length, episode.GlobalStep);
        EpisodeCompleted?.Invoke(episode);
    }

    private void Report(IterationStats stats)
    {
        if (_metrics is null) return;
        long step = stats.GlobalStep;
        _metrics.Add(MetricNames.LearningRate, stats.LearningRate, step);
        _metrics.Add(MetricNames.ValueLoss, stats.ValueLoss, step);
        _metrics.Add(MetricNames.PolicyLoss, stats.PolicyLoss, step);
        _metrics.Add(MetricNames.Entropy, stats.Entropy, step);
        _metrics.Add(MetricNames.OldApproxKl, stats.OldApproxKl, step);
        _metrics.Add(MetricNames.ApproxKl, stats.ApproxKl, step);
        _metrics.Add(MetricNames.ClipFraction, stats.ClipFraction, step);
        _metrics.Add(MetricNames.ExplainedVariance, stats.ExplainedVariance, step);
        _metrics.Add(MetricNames.StepsPerSecond, stats.StepsPerSecond, step);
    }

    private void ResetStepsPerSecond()
    {
        _spsStartStep = GlobalStep;
        _spsStartTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Writes everything an exact resume needs into one file, atomically (see <see cref="CheckpointFile"/>):
    /// the config, counters, policy parameters, Adam state, both generators' states, the vector env's full
    /// state (every env mid-episode, every wrapper's running statistics) and the carried-over done flags.
    /// The payload after the algorithm name, in order: config (JSON string), iteration (int32), global step (int64),
    /// observation and action sizes (int32 each), policy parameters (<see cref="ModuleState"/>), Adam state
    /// (<see cref="FlatAdam.SaveState"/>), the action-sampling and shuffle generators (device type, length, bytes),
    /// the vector env (<see cref="IStateful.SaveState"/>), next_done (float32 per env), a recurrent policy's memory
    /// (<see cref="TensorData"/>, only when it has one) and an end marker.
    /// Call it between iterations; a failure leaves any existing file at <paramref name="path"/> untouched.
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Envs is not IStateful statefulEnvs)
            throw new NotSupportedException($"Cannot checkpoint: the vector env ({Envs.GetType().Name}) cannot save its state (it does not implement IStateful).");
        CheckpointFile.Write(path, AlgorithmName, writer =>
        {
            writer.Write(JsonSerializer.Serialize(Config, ConfigJson));
            writer.Write(Iteration);
            writer.Write(GlobalStep);
            writer.Write(Envs.ObservationSize);
            writer.Write(Envs.ActionSize);
            ModuleState.Write(writer, Policy);
            _optimizer.SaveState(writer);
            GeneratorState.Write(writer, _actionGenerator);
            GeneratorState.Write(writer, _shuffleGenerator);
            statefulEnvs.SaveState(writer);
            foreach (float done in _nextDones) writer.Write(done);
            if (_memory is not null) TensorData.Write(writer, _memory);
            writer.Write(CheckpointEndMarker);
        });
    }

    /// <summary>
    /// Restores the state written by <see cref="SaveCheckpoint"/>. The checkpoint must come from PPO on the same
    /// env with the same network, env count and wrappers; other settings (e.g. total_timesteps) are this trainer's.
    /// </summary>
    public void LoadCheckpoint(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Envs is not IStateful statefulEnvs)
            throw new NotSupportedException($"Cannot restore a checkpoint: the vector env ({Envs.GetType().Name}) cannot load a state (it does not implement IStateful).");
        using BinaryReader reader = CheckpointFile.Open(path, AlgorithmName);
        try
        {
            PpoConfig saved = ReadConfig(reader, path);
            EnsureCompatible(saved, path);
            int iteration = reader.ReadInt32();
            long globalStep = reader.ReadInt64();
            int observationSize = reader.ReadInt32(), actionSize = reader.ReadInt32();
            if (observationSize != Envs.ObservationSize || actionSize != Envs.ActionSize)
                throw new CheckpointException(path, $"has observations of {observationSize} and actions of {actionSize} values; this env has {Envs.ObservationSize} and {Envs.ActionSize}.");
            ModuleState.Read(reader, Policy);
            _optimizer.LoadState(reader);
            GeneratorState.Read(reader, _actionGenerator);
            GeneratorState.Read(reader, _shuffleGenerator);
            statefulEnvs.LoadState(reader);
            for (int e = 0; e < _nextDones.Length; e++) _nextDones[e] = reader.ReadSingle();
            if (_memory is not null) TensorData.Read(reader, _memory);
            if (reader.ReadInt32() != CheckpointEndMarker)
                throw new CheckpointException(path, "does not end where expected; it was written by an incompatible version.");
            Iteration = iteration;
            GlobalStep = globalStep;
            ResetStepsPerSecond();
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException or FormatException)
        {
            throw new CheckpointException(path, $"could not be restored: {e.Message}", e);
        }
    }

    private static PpoConfig ReadConfig(BinaryReader reader, string path)
    {
        string json = reader.ReadString();
        try
        {
            return JsonSerializer.Deserialize<PpoConfig>(json, ConfigJson) ?? throw new CheckpointException(path, "holds no config.");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"holds an unreadable config: {e.Message}", e);
        }
    }

    // Settings that shape the network, the env stack or the saved state; a checkpoint with other values cannot be loaded into this trainer.
    private void EnsureCompatible(PpoConfig saved, string path)
    {
        var differences = new List<string>();
        void Compare<T>(string name, T savedValue, T currentValue)
        {
            if (!EqualityComparer<T>.Default.Equals(savedValue, currentValue)) differences.Add($"{name}: checkpoint {savedValue}, this run {currentValue}");
        }

        if (saved.EnvId != Config.EnvId)
            throw new CheckpointException(path, $"is from env '{saved.EnvId}', but this trainer runs '{Config.EnvId}'.");
        Compare("num_envs", saved.NumEnvs, Config.NumEnvs);
        Compare("hidden_sizes", string.Join(",", saved.HiddenSizes), string.Join(",", Config.HiddenSizes));
        Compare("activation", saved.Activation, Config.Activation);
        Compare("encoder", saved.Encoder, Config.Encoder);
        Compare("policy", saved.Policy, Config.Policy);
        if (Config.Policy == PolicyArchitecture.BabyAI) Compare("BabyAI policy", saved.BabyAIOptions, Config.BabyAIOptions);
        Compare("normalize_observation", saved.NormalizeObservation, Config.NormalizeObservation);
        Compare("normalize_reward", saved.NormalizeReward, Config.NormalizeReward);
        Compare("clip_action", saved.ClipAction, Config.ClipAction);
        Compare("obs_clip", saved.ObsClip, Config.ObsClip);
        Compare("reward_clip", saved.RewardClip, Config.RewardClip);
        Compare("reward_scale", saved.RewardScale, Config.RewardScale);
        if (differences.Count > 0)
            throw new CheckpointException(path, $"does not match this trainer ({string.Join("; ", differences)}).");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _buffer?.Dispose();
        _observationBatch?.Dispose();
        _optimizer?.Dispose();
        _actionGenerator?.Dispose();
        _shuffleGenerator?.Dispose();
        _memory?.Dispose();
        _rolloutStartMemory?.Dispose();
        _episodeStarts?.Dispose();
        _rolloutStarts?.Dispose();
        foreach (Tensor gradient in _nonCriticGradients ?? []) gradient.Dispose();
        if (_ownsPolicy) Policy?.Dispose();
        if (_ownsEnvs) Envs?.Dispose();
    }
}
