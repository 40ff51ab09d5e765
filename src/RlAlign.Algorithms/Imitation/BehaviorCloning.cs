using RlAlign.Core;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Imitation;

/// <summary>One epoch of behaviour cloning: mean cross-entropy and action accuracy over the demonstrations.</summary>
public readonly record struct BcEpochStats(int Epoch, int Epochs, double Loss, double Accuracy, double GradNorm);

/// <summary>What a success-rate evaluation saw: per episode, success (terminated with a positive reward), length and return.</summary>
public sealed record SuccessRateResult(IReadOnlyList<bool> Successes, IReadOnlyList<int> Lengths, IReadOnlyList<double> Returns)
{
    public double SuccessRate => Successes.Count == 0 ? double.NaN : Successes.Count(s => s) / (double)Successes.Count;
    public double MeanLength => Lengths.Count == 0 ? double.NaN : Lengths.Average();
    public double MeanReturn => Returns.Count == 0 ? double.NaN : Returns.Average();

    /// <summary>Population standard deviation of the returns (as <see cref="EvaluationResult.StdReturn"/>).</summary>
    public double StdReturn => new EvaluationResult(Returns, Lengths).StdReturn;
}

/// <summary>
/// Behaviour cloning (BabyAI's <c>ImitationLearning</c>, without memory): the <see cref="BabyAIPolicy"/>'s actor is
/// trained by cross-entropy on every (image, mission, expert action) step of the demonstrations, in seeded
/// shuffled minibatches with Adam. The whole data set lives in two tensors (images as float, missions as token
/// ids padded to the longest mission), built once.
/// </summary>
public sealed class BehaviorCloning : IDisposable
{
    public const string AlgorithmName = "bc";
    public const string LossMetric = "losses/bc_loss";
    public const string AccuracyMetric = "charts/bc_accuracy";
    public const string SuccessRateMetric = "charts/success_rate";
    private const int CheckpointEndMarker = 0x42434B45; // "EKCB": the payload was read to its end in step with the writer.

    private readonly Tensor _images, _tokens, _actions;
    private readonly FlatAdam _optimizer;
    private readonly Generator _shuffleGenerator;
    private readonly IMetricsSink? _metrics;

    public BehaviorCloning(BcConfig config, DemonstrationSet demos, IMetricsSink? metrics = null)
    {
        config.Validate();
        Config = config;
        _metrics = metrics;
        Device = TorchDevices.Resolve(config.Device);
        if (demos.Episodes.Count == 0) throw new ArgumentException($"The demonstrations of {demos.EnvId} hold no episode to learn from.");
        if (demos.EnvId != config.EnvId)
            throw new ArgumentException($"The demonstrations were recorded on '{demos.EnvId}', but env_id is '{config.EnvId}'.");

        using (IEnv probe = Core.Envs.Make(config.EnvId))
        {
            ulong seed = unchecked((ulong)config.Seed);
            using var initGenerator = new Generator(seed);
            Policy = new BabyAIPolicy(probe.ObservationSpace, probe.ActionSpace, config.PolicyOptions, initGenerator);
            _shuffleGenerator = new Generator(unchecked(seed + 2));
        }
        if (Policy.ImageWidth != demos.ImageWidth || Policy.ImageHeight != demos.ImageHeight)
            throw new ArgumentException($"The demonstrations' images are {demos.ImageWidth}×{demos.ImageHeight}, the env's view is {Policy.ImageWidth}×{Policy.ImageHeight}.");
        Policy.to(Device);
        _optimizer = new FlatAdam(Policy.parameters().ToArray(), config.LearningRate, eps: 1e-5);
        (_images, _tokens, _actions) = ToTensors(demos, Device);
        SampleCount = (int)_actions.shape[0];
    }

    public BcConfig Config { get; }
    public BabyAIPolicy Policy { get; }
    public Device Device { get; }
    public int SampleCount { get; }
    public int Epoch { get; private set; }
    public bool IsFinished => Epoch >= Config.Epochs;

    /// <summary>One pass over the shuffled demonstrations; reports <see cref="LossMetric"/> and <see cref="AccuracyMetric"/> at the epoch number.</summary>
    public BcEpochStats RunEpoch()
    {
        Policy.train();
        double lossSum = 0, correct = 0, gradNormSum = 0;
        int batches = 0;
        using (NewDisposeScope())
        {
            Tensor order = randperm(SampleCount, generator: _shuffleGenerator).to(Device);
            for (int start = 0; start < SampleCount; start += Config.BatchSize)
            {
                using var scope = NewDisposeScope();
                Tensor index = order.narrow(0, start, Math.Min(Config.BatchSize, SampleCount - start));
                Tensor target = _actions.index_select(0, index);
                Tensor logits = Policy.Forward(_images.index_select(0, index), _tokens.index_select(0, index)).Logits;
                Tensor loss = nn.functional.cross_entropy(logits, target);
                float lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue))
                    throw new NonFiniteLossException(LossMetric, lossValue, Epoch + 1, Epoch);
                _optimizer.ZeroGrad();
                loss.backward();
                double gradNorm = Config.MaxGradNorm is { } max ? _optimizer.ClipGradNorm(max) : double.NaN;
                _optimizer.Step();
                lossSum += lossValue * index.shape[0];
                correct += logits.argmax(1).eq(target).sum().item<long>();
                gradNormSum += gradNorm;
                batches++;
            }
        }
        Epoch++;
        var stats = new BcEpochStats(Epoch, Config.Epochs, lossSum / SampleCount, correct / SampleCount, gradNormSum / batches);
        _metrics?.Add(LossMetric, stats.Loss, Epoch);
        _metrics?.Add(AccuracyMetric, stats.Accuracy, Epoch);
        if (Config.MaxGradNorm is not null) _metrics?.Add(MetricNames.GradNorm, stats.GradNorm, Epoch);
        return stats;
    }

    /// <summary>Greedy-action success rate over <paramref name="episodes"/> episodes with seeds <paramref name="firstSeed"/>, +1, …</summary>
    public SuccessRateResult EvaluateSuccessRate(int episodes, ulong firstSeed, CancellationToken cancellationToken = default)
    {
        using IEnv env = Core.Envs.Make(Config.EnvId);
        return EvaluateSuccessRate(Policy, env, episodes, firstSeed, greedy: true, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="policy"/> on <paramref name="env"/>, episode i reset with seed <paramref name="firstSeed"/> + i
    /// (so each episode is the same level whatever came before it); sampled actions draw from a generator seeded
    /// with <paramref name="firstSeed"/>.
    /// </summary>
    public static SuccessRateResult EvaluateSuccessRate(BabyAIPolicy policy, IEnv env, int episodes, ulong firstSeed, bool greedy = true, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(episodes);
        if (env.ObservationSpace.FlatSize != policy.ObservationSize)
            throw new ArgumentException($"The policy takes observations of {policy.ObservationSize} values, but the env's have {env.ObservationSpace.FlatSize}.");
        var observation = new float[policy.ObservationSize];
        var action = new float[1];
        var successes = new List<bool>(episodes);
        var lengths = new List<int>(episodes);
        var returns = new List<double>(episodes);
        policy.eval();
        using var actor = new PolicyActor(policy, deterministic: greedy, firstSeed);
        for (int episode = 0; episode < episodes; episode++)
        {
            env.Reset(observation, firstSeed + (ulong)episode);
            actor.StartEpisode();
            StepResult result;
            int length = 0;
            double episodeReturn = 0;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                actor.Act(observation, action);
                result = env.Step(action, observation);
                episodeReturn += result.Reward;
                length++;
            }
            while (!result.Done);
            successes.Add(result.Terminated && result.Reward > 0);
            lengths.Add(length);
            returns.Add(episodeReturn);
        }
        return new SuccessRateResult(successes, lengths, returns);
    }

    /// <summary>
    /// Writes the policy and everything an exact resume needs, atomically, in the checkpoint container (algorithm
    /// "bc"). The payload: env id, epochs done (int32), policy options, policy parameters (<see cref="ModuleState"/>)
    /// — all that <see cref="LoadPolicy"/> reads — then seed (int64), batch size and demonstration steps (int32 each),
    /// Adam state (<see cref="FlatAdam.SaveState"/>), the shuffle generator (<see cref="GeneratorState"/>) and an end marker.
    /// </summary>
    public void SaveCheckpoint(string path)
        => CheckpointFile.Write(path, AlgorithmName, writer =>
        {
            writer.Write(Config.EnvId);
            writer.Write(Epoch);
            WritePolicyOptions(writer, Config.PolicyOptions);
            ModuleState.Write(writer, Policy);
            writer.Write(Config.Seed);
            writer.Write(Config.BatchSize);
            writer.Write(SampleCount);
            _optimizer.SaveState(writer);
            GeneratorState.Write(writer, _shuffleGenerator);
            writer.Write(CheckpointEndMarker);
        });

    /// <summary>
    /// Restores the state written by <see cref="SaveCheckpoint"/> so that training continues exactly as if it had
    /// not stopped. The checkpoint must come from this env, policy shape, seed, batch size and demonstrations
    /// (their step count); learning rate and epochs are this trainer's.
    /// </summary>
    public void LoadCheckpoint(string path)
    {
        using BinaryReader reader = CheckpointFile.Open(path, AlgorithmName);
        try
        {
            string envId = reader.ReadString();
            if (envId != Config.EnvId)
                throw new CheckpointException(path, $"is from env '{envId}', but this run trains on '{Config.EnvId}'.");
            int epoch = reader.ReadInt32();
            string shapeDifferences = PpoPolicies.OptionDifferences(ReadPolicyOptions(reader), Config.PolicyOptions);
            if (shapeDifferences.Length > 0)
                throw new CheckpointException(path, $"holds a policy of another shape ({shapeDifferences}).");
            if (epoch > Config.Epochs)
                throw new CheckpointException(path, $"was saved after {epoch} epochs, more than this run's epochs ({Config.Epochs}).");
            ModuleState.Read(reader, Policy);
            if (reader.BaseStream.Position == reader.BaseStream.Length)
                throw new CheckpointException(path, "holds only the policy (an older bc checkpoint without the optimizer state): it can be evaluated but not resumed.");
            long seed = reader.ReadInt64();
            int batchSize = reader.ReadInt32(), samples = reader.ReadInt32();
            var differences = new List<string>();
            void Compare<T>(string name, T saved, T current)
            {
                if (!EqualityComparer<T>.Default.Equals(saved, current)) differences.Add($"{name}: checkpoint {saved}, this run {current}");
            }
            Compare("seed", seed, Config.Seed);
            Compare("batch_size", batchSize, Config.BatchSize);
            Compare("demonstration steps", samples, SampleCount);
            if (differences.Count > 0)
                throw new CheckpointException(path, $"does not match this run ({string.Join("; ", differences)}).");
            _optimizer.LoadState(reader);
            GeneratorState.Read(reader, _shuffleGenerator);
            if (reader.ReadInt32() != CheckpointEndMarker)
                throw new CheckpointException(path, "does not end where expected; it was written by an incompatible version.");
            Epoch = epoch;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new CheckpointException(path, $"could not be restored: {e.Message}", e);
        }
    }

    /// <summary>Restores the policy saved by <see cref="SaveCheckpoint"/> (on the CPU), for the env it was trained on.</summary>
    /// <summary>The env id, epoch and policy options of a checkpoint saved by <see cref="SaveCheckpoint"/>, without its parameters.</summary>
    public static (string EnvId, int Epoch, BabyAIPolicyOptions Options) ReadPolicyHeader(string path)
    {
        using BinaryReader reader = CheckpointFile.Open(path, AlgorithmName);
        return ReadHeader(reader);
    }

    public static (BabyAIPolicy Policy, string EnvId, int Epoch) LoadPolicy(string path)
    {
        using BinaryReader reader = CheckpointFile.Open(path, AlgorithmName);
        (string envId, int epoch, BabyAIPolicyOptions options) = ReadHeader(reader);
        using IEnv probe = Core.Envs.Make(envId);
        var policy = new BabyAIPolicy(probe.ObservationSpace, probe.ActionSpace, options);
        try
        {
            ModuleState.Read(reader, policy);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            policy.Dispose();
            throw new CheckpointException(path, $"does not hold a BabyAI policy this build can read: {e.Message}", e);
        }
        return (policy, envId, epoch);
    }

    private static (string EnvId, int Epoch, BabyAIPolicyOptions Options) ReadHeader(BinaryReader reader)
        => (reader.ReadString(), reader.ReadInt32(), ReadPolicyOptions(reader));

    private static void WritePolicyOptions(BinaryWriter writer, BabyAIPolicyOptions options)
    {
        writer.Write((int)options.MissionEncoder);
        writer.Write(options.WordSize);
        writer.Write(options.Channels);
        writer.Write(options.FilmLayers);
        writer.Write(options.HeadSize);
    }

    private static BabyAIPolicyOptions ReadPolicyOptions(BinaryReader reader) => new()
    {
        MissionEncoder = (MissionEncoder)reader.ReadInt32(),
        WordSize = reader.ReadInt32(),
        Channels = reader.ReadInt32(),
        FilmLayers = reader.ReadInt32(),
        HeadSize = reader.ReadInt32(),
    };

    /// <summary>Every step of the demonstrations as tensors: images [n, w, h, 3] float, tokens [n, longest mission] int64, actions [n] int64.</summary>
    internal static (Tensor Images, Tensor Tokens, Tensor Actions) ToTensors(DemonstrationSet demos, Device device)
    {
        int n = checked((int)demos.StepCount), imageSize = demos.ImageSize;
        long[][] missions = demos.Episodes.Select(e => BabyAIVocabulary.Tokenize(e.Mission)).ToArray();
        int longest = Math.Max(1, missions.Max(m => m.Length));
        var images = new float[n * imageSize];
        var tokens = new long[n * longest];
        var actions = new long[n];
        int step = 0;
        for (int e = 0; e < demos.Episodes.Count; e++)
        {
            DemoEpisode episode = demos.Episodes[e];
            for (int t = 0; t < episode.Length; t++, step++)
            {
                for (int k = 0; k < imageSize; k++) images[step * imageSize + k] = episode.Images[t * imageSize + k];
                missions[e].CopyTo(tokens, step * longest);
                actions[step] = episode.Actions[t];
            }
        }
        // Into libtorch-allocated tensors (see HostCopy): managed arrays wrapped as tensors are not reproducible.
        Tensor imageTensor = empty([n, demos.ImageWidth, demos.ImageHeight, DemonstrationSet.ImageChannels], ScalarType.Float32);
        HostCopy.FromHost(images, imageTensor);
        Tensor tokenTensor = empty([n, longest], ScalarType.Int64);
        tokens.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(tokenTensor.bytes));
        Tensor actionTensor = empty([n], ScalarType.Int64);
        actions.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(actionTensor.bytes));
        return (imageTensor.to(device).DetachFromDisposeScope(), tokenTensor.to(device).DetachFromDisposeScope(), actionTensor.to(device).DetachFromDisposeScope());
    }

    public void Dispose()
    {
        _images.Dispose();
        _tokens.Dispose();
        _actions.Dispose();
        _optimizer.Dispose();
        _shuffleGenerator.Dispose();
        Policy.Dispose();
    }
}
