using RlAlign.Algorithms;
using RlAlign.Policies.Language;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Training;

/// <summary>What <see cref="Trainer.Train"/> ends with: the optimizer steps done and the metrics of the last report.</summary>
public sealed record TrainingResult(int GlobalStep, IReadOnlyDictionary<string, double> LastMetrics);

/// <summary>
/// The training loop the SFT and DPO trainers share, as Hugging Face's <c>Trainer</c> runs it: AdamW (TorchSharp's; no weight
/// decay on biases and LayerNorm parameters) with a
/// warm-up/decay schedule, gradient accumulation over micro-batches, global gradient-norm clipping (the norm reported
/// before clipping), a seeded shuffle of the training examples each epoch, metric reports every <c>logging_steps</c>,
/// periodic evaluation, and checkpoints that resume bit-identically on the CPU.
/// <para>
/// The data order is a function of the seed and the step alone (epoch e is permutation e of the seed's sequence), so a
/// checkpoint needs only the step, the optimizer state and the metrics gathered since the last report.
/// </para>
/// </summary>
public abstract class Trainer : IDisposable
{
    /// <summary>The trainer-state file inside a checkpoint folder, beside the model's <c>config.json</c> and <c>model.safetensors</c>.</summary>
    public const string StateFileName = "trainer_state.bin";

    private readonly TrainingConfig _config;
    private readonly IMetricsSink? _sink;
    private readonly Parameter[] _parameters;
    private readonly AdamW _optimizer;
    private readonly MetricWindow _window = new();
    private int[]? _order;
    private int _orderEpoch = -1;
    private long _numTokens;
    private bool _disposed;
    private readonly bool _bf16Before;

    protected Trainer(Gpt2LMHeadModel model, TrainingConfig config, int trainExampleCount, IMetricsSink? metrics)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (trainExampleCount < 1) throw new ArgumentException("The training set is empty.", nameof(trainExampleCount));
        Model = model;
        _config = config;
        _bf16Before = model.Bf16Matmuls;
        if (config.Bf16) model.Bf16Matmuls = true;
        _sink = metrics;
        TrainExampleCount = trainExampleCount;
        MicroBatchesPerEpoch = (trainExampleCount + config.PerDeviceTrainBatchSize - 1) / config.PerDeviceTrainBatchSize;
        StepsPerEpoch = (MicroBatchesPerEpoch + config.GradientAccumulationSteps - 1) / config.GradientAccumulationSteps;
        TotalSteps = config.MaxSteps > 0 ? config.MaxSteps : (int)Math.Ceiling(config.NumTrainEpochs * StepsPerEpoch);
        Schedule = LearningRateSchedule.For(config, TotalSteps);
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToArray();
        _parameters = [.. trainable.Select(p => p.parameter)];
        // Hugging Face's Trainer exempts biases and LayerNorm parameters from weight decay.
        bool Decays(string name) => !name.EndsWith(".bias", StringComparison.Ordinal) && !name.Contains(".ln_", StringComparison.Ordinal);
        AdamW.ParamGroup[] groups =
        [
            new([.. trainable.Where(p => Decays(p.name)).Select(p => p.parameter)], new AdamW.Options { weight_decay = config.WeightDecay }),
            new([.. trainable.Where(p => !Decays(p.name)).Select(p => p.parameter)], new AdamW.Options { weight_decay = 0 }),
        ];
        _optimizer = optim.AdamW(groups, config.LearningRate, config.AdamBeta1, config.AdamBeta2, config.AdamEpsilon, config.WeightDecay);
    }

    /// <summary>The model being trained (owned by the caller).</summary>
    public Gpt2LMHeadModel Model { get; }

    public int TrainExampleCount { get; }

    public int MicroBatchesPerEpoch { get; }

    public int StepsPerEpoch { get; }

    /// <summary>Optimizer steps a full <see cref="Train"/> runs: max_steps, else ceil(num_train_epochs × steps per epoch).</summary>
    public int TotalSteps { get; }

    /// <summary>Optimizer steps done so far.</summary>
    public int GlobalStep { get; private set; }

    public LearningRateSchedule Schedule { get; }

    /// <summary>The checkpoint's algorithm name ("sft", "dpo"); a checkpoint of another trainer is refused on resume.</summary>
    protected abstract string Algorithm { get; }

    /// <summary>Whether there is an eval split to evaluate every <c>eval_steps</c>.</summary>
    protected abstract bool HasEvalSplit { get; }

    /// <summary>
    /// The loss of one micro-batch (examples <paramref name="indices"/> of the training split), weighted so that the sum over
    /// the step's <paramref name="microBatchCount"/> micro-batches is the step's loss; records the micro-batch's metrics into <paramref name="metrics"/>.
    /// </summary>
    protected abstract Tensor MicroBatchLoss(int[] indices, int microBatchCount, MetricWindow metrics);

    /// <summary>Called before the micro-batches of an optimizer step, with all of them (SFT counts the step's tokens here).</summary>
    protected virtual void BeginStep(IReadOnlyList<int[]> microBatches) { }

    /// <summary>Metrics of the eval split, un-prefixed (the caller adds <c>eval_</c>).</summary>
    protected abstract Dictionary<string, double> EvaluateSplit();

    /// <summary>Called after each optimizer step (TR-DPO syncs its reference here).</summary>
    protected virtual void AfterOptimizerStep() { }

    /// <summary>Trainer-specific state a checkpoint must carry beyond the model weights and the optimizer.</summary>
    protected virtual void WriteState(BinaryWriter writer) { }

    protected virtual void ReadState(BinaryReader reader) { }

    /// <summary>Adds <paramref name="count"/> to the running number of input tokens (TRL's <c>num_tokens</c>).</summary>
    protected void CountTokens(long count) => _numTokens += count;

    /// <summary>The eval split's metrics with Hugging Face's <c>eval_</c> prefix; reported at the current step when a sink is set.</summary>
    public Dictionary<string, double> Evaluate()
    {
        if (!HasEvalSplit) throw new InvalidOperationException("This trainer has no eval split; pass eval examples to its constructor.");
        Dictionary<string, double> values;
        using (no_grad()) values = EvaluateSplit();
        var prefixed = values.ToDictionary(v => TrainerMetricNames.EvalPrefix + v.Key, v => v.Value, StringComparer.Ordinal);
        if (_sink is not null)
            foreach (var (name, value) in prefixed.OrderBy(v => v.Key, StringComparer.Ordinal)) _sink.Add(name, value, GlobalStep);
        return prefixed;
    }

    /// <summary>
    /// Runs the optimizer steps from <see cref="GlobalStep"/> to <see cref="TotalSteps"/>. With
    /// <paramref name="resumeFromCheckpoint"/> (a folder <see cref="SaveCheckpoint"/> wrote), the model weights, the
    /// optimizer, the step and the pending metrics are restored first; the trainer must be built as the original one was
    /// (same model start, data and config). Cancellation is checked between optimizer steps (an
    /// <see cref="OperationCanceledException"/>; call <see cref="SaveCheckpoint"/> to keep the progress).
    /// </summary>
    public TrainingResult Train(string? resumeFromCheckpoint = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (resumeFromCheckpoint is not null) LoadCheckpoint(resumeFromCheckpoint);
        IReadOnlyDictionary<string, double> lastMetrics = new Dictionary<string, double>();
        Model.train();
        while (GlobalStep < TotalSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunStep();
            bool last = GlobalStep == TotalSteps;
            if (GlobalStep % _config.LoggingSteps == 0 || last) lastMetrics = _window.Flush(_sink, GlobalStep);
            if (HasEvalSplit && _config.EvalSteps > 0 && GlobalStep % _config.EvalSteps == 0) Evaluate();
            if (_config.SaveSteps > 0 && GlobalStep % _config.SaveSteps == 0)
                SaveCheckpoint(Path.Combine(_config.OutputDir!, $"checkpoint-{GlobalStep}"));
        }
        return new TrainingResult(GlobalStep, lastMetrics);
    }

    private void RunStep()
    {
        using var scope = NewDisposeScope();
        IReadOnlyList<int[]> microBatches = MicroBatches(GlobalStep);
        double learningRate = Schedule.At(GlobalStep);
        foreach (ParamGroup group in _optimizer.ParamGroups) group.LearningRate = learningRate;
        _optimizer.zero_grad();
        BeginStep(microBatches);
        double stepLoss = 0;
        foreach (int[] indices in microBatches)
        {
            using var microScope = NewDisposeScope();
            Tensor loss = MicroBatchLoss(indices, microBatches.Count, _window);
            loss.backward();
            stepLoss += loss.item<float>();
        }
        if (!double.IsFinite(stepLoss)) throw new NonFiniteLossException(TrainerMetricNames.Loss, stepLoss, GlobalStep + 1, GlobalStep + 1);
        double gradNorm = _config.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(_parameters, _config.MaxGradNorm)
            : GradientNorm();
        _optimizer.step();
        GlobalStep++;
        AfterOptimizerStep();
        _window.Add(TrainerMetricNames.Loss, stepLoss);
        _window.Set(TrainerMetricNames.GradNorm, gradNorm);
        _window.Set(TrainerMetricNames.LearningRate, learningRate);
        _window.Set(TrainerMetricNames.NumTokens, _numTokens);
        _window.Set(TrainerMetricNames.Epoch, (double)GlobalStep / StepsPerEpoch);
    }

    private double GradientNorm()
    {
        using var scope = NewDisposeScope();
        Tensor[] norms = [.. _parameters.Where(p => p.grad is not null).Select(p => p.grad!.norm())];
        return norms.Length == 0 ? 0 : stack(norms).norm().item<float>();
    }

    /// <summary>The micro-batches (training-example indices) of optimizer step <paramref name="step"/> (0-based).</summary>
    public IReadOnlyList<int[]> MicroBatches(int step)
    {
        int epoch = step / StepsPerEpoch, local = step % StepsPerEpoch;
        int[] order = Order(epoch);
        int batch = _config.PerDeviceTrainBatchSize;
        int first = local * _config.GradientAccumulationSteps;
        int end = Math.Min(first + _config.GradientAccumulationSteps, MicroBatchesPerEpoch);
        var microBatches = new List<int[]>(end - first);
        for (int m = first; m < end; m++)
            microBatches.Add(order[(m * batch)..Math.Min((m + 1) * batch, order.Length)]);
        return microBatches;
    }

    // Epoch e's order is the e-th shuffle drawn from the seed: a function of (seed, epoch) only, so resuming needs no RNG state.
    private int[] Order(int epoch)
    {
        if (_orderEpoch == epoch) return _order!;
        var random = new Random(_config.Seed);
        int[] order = [.. Enumerable.Range(0, TrainExampleCount)];
        for (int e = 0; e <= epoch; e++)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        _order = order;
        _orderEpoch = epoch;
        return order;
    }

    /// <summary>
    /// Writes a checkpoint into <paramref name="folder"/>: the model as a Hugging Face folder (<c>config.json</c>,
    /// <c>model.safetensors</c>) and <see cref="StateFileName"/> (step, AdamW state, pending metrics, trainer extras),
    /// each file written atomically.
    /// </summary>
    public void SaveCheckpoint(string folder)
    {
        Model.SavePretrained(folder);
        CheckpointFile.Write(Path.Combine(folder, StateFileName), Algorithm, writer =>
        {
            writer.Write(TrainExampleCount);
            writer.Write(TotalSteps);
            writer.Write(_config.PerDeviceTrainBatchSize);
            writer.Write(_config.GradientAccumulationSteps);
            writer.Write(_config.Seed);
            writer.Write(GlobalStep);
            writer.Write(_numTokens);
            _window.Write(writer);
            WriteOptimizerState(writer);
            WriteState(writer);
        });
    }

    private void LoadCheckpoint(string folder)
    {
        string statePath = Path.Combine(folder, StateFileName);
        if (!File.Exists(statePath))
            throw new FileNotFoundException($"'{folder}' is not a trainer checkpoint: it has no {StateFileName}.", statePath);
        using BinaryReader reader = CheckpointFile.Open(statePath, Algorithm);
        int examples = reader.ReadInt32(), totalSteps = reader.ReadInt32();
        if (examples != TrainExampleCount)
            throw new CheckpointException(statePath, $"was written for a training set of {examples} examples; this trainer has {TrainExampleCount}.");
        if (totalSteps != TotalSteps)
            throw new CheckpointException(statePath, $"was written for a run of {totalSteps} steps; this trainer's config gives {TotalSteps}.");
        RequireSame(statePath, "per_device_train_batch_size", reader.ReadInt32(), _config.PerDeviceTrainBatchSize);
        RequireSame(statePath, "gradient_accumulation_steps", reader.ReadInt32(), _config.GradientAccumulationSteps);
        RequireSame(statePath, "seed", reader.ReadInt32(), _config.Seed);
        using (Gpt2LMHeadModel saved = Gpt2LMHeadModel.FromPretrained(folder, Model.Device))
            CopyParameters(saved, Model);
        GlobalStep = reader.ReadInt32();
        _numTokens = reader.ReadInt64();
        _window.Read(reader);
        ReadOptimizerState(reader);
        ReadState(reader);
    }

    // The data order depends on these, so a resumed run with other values would not continue the same run.
    private static void RequireSame(string path, string setting, int saved, int current)
    {
        if (saved != current) throw new CheckpointException(path, $"was written with {setting} = {saved}; this trainer has {current}.");
    }

    private void WriteOptimizerState(BinaryWriter writer)
    {
        using var buffer = new MemoryStream();
        using (var inner = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) _optimizer.save_state_dict(inner);
        writer.Write((int)buffer.Length);
        writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private void ReadOptimizerState(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        using var buffer = new MemoryStream(reader.ReadBytes(length));
        using var inner = new BinaryReader(buffer);
        _optimizer.load_state_dict(inner);
    }

    /// <summary>Copies every parameter of <paramref name="source"/> into <paramref name="destination"/> (same architecture) in place.</summary>
    internal static void CopyParameters(Gpt2LMHeadModel source, Gpt2LMHeadModel destination)
    {
        if (!source.Config.Equals(destination.Config))
            throw new ArgumentException("The models have different architectures; parameters can only be copied between equal configs.");
        using var noGrad = no_grad();
        foreach (var (from, to) in source.parameters().Zip(destination.parameters())) to.copy_(from);
    }

    /// <summary>A frozen copy of <paramref name="model"/> (no gradients), on its device.</summary>
    internal static Gpt2LMHeadModel FrozenCopy(Gpt2LMHeadModel model)
    {
        var copy = Gpt2LMHeadModel.Create(model.Config);
        copy.Bf16Matmuls = model.Bf16Matmuls;
        copy.to(model.Device);
        CopyParameters(model, copy);
        foreach (Parameter parameter in copy.parameters()) parameter.requires_grad = false;
        copy.eval();
        return copy;
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing)
        {
            _optimizer.Dispose();
            Model.Bf16Matmuls = _bf16Before;
        }
        _disposed = true;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
