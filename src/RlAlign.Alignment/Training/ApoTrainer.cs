using RlAlign.Algorithms;
using RlAlign.Alignment.Data;
using RlAlign.Alignment.Preference;
using RlAlign.Alignment.Tasks;
using RlAlign.Alignment.Tokenization;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Training;

/// <summary>APO settings (spec ALGORITHMS.md §7.3); the names map to snake_case YAML keys, <see cref="Dpo"/> to a nested <c>dpo:</c> block.</summary>
public sealed record ApoConfig
{
    /// <summary>Rounds T of sample → label → train.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Nesterov extrapolation α; 0 is iterative DPO (the paper's experiments used about 0.3).</summary>
    public double Alpha { get; init; } = 0.3;

    /// <summary>Prompts drawn each round; each gets two sampled completions.</summary>
    public int PromptsPerRound { get; init; } = 64;

    public int MaxNewTokens { get; init; } = 32;

    public double Temperature { get; init; } = 1.0;

    public int TopK { get; init; }

    public double TopP { get; init; } = 1.0;

    /// <summary>Prompts per <c>Generate</c> call (each call samples 2 × this many rows).</summary>
    public int GenerationBatchSize { get; init; } = 32;

    /// <summary>Seeds the sampling and the oracle's label draws.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The DPO (or IPO, ...) training of each round; its output_dir, when set, gets a <c>round-T</c> folder per round.</summary>
    public DpoTrainingConfig Dpo { get; init; } = new();

    public GenerationOptions Generation => new() { MaxNewTokens = MaxNewTokens, DoSample = true, Temperature = Temperature, TopK = TopK, TopP = TopP };

    public void Validate()
    {
        if (Rounds < 1) throw new ArgumentException($"rounds must be >= 1, got {Rounds}.");
        if (!(Alpha >= 0) || double.IsInfinity(Alpha)) throw new ArgumentException($"alpha must be a finite number >= 0, got {Alpha}.");
        if (PromptsPerRound < 1) throw new ArgumentException($"prompts_per_round must be >= 1, got {PromptsPerRound}.");
        if (GenerationBatchSize < 1) throw new ArgumentException($"generation_batch_size must be >= 1, got {GenerationBatchSize}.");
        Generation.Validate();
        Dpo.Validate();
        if (Dpo.PrecomputeRefLogProbs || Dpo.SyncRefModel)
            throw new ArgumentException("APO computes each round's reference log-probabilities itself; set neither dpo.precompute_ref_log_probs nor dpo.sync_ref_model.");
    }
}

/// <summary>One APO round: the labelled pairs, the reference log-probabilities DPO trained against, and the round's metrics.</summary>
public sealed record ApoRoundResult(
    int Round,
    IReadOnlyList<TokenizedPair> Pairs,
    int IdenticalPairsDropped,
    ReferenceLogps? Reference,
    IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// Accelerated Preference Optimization (He, Yuan, Gu 2024; spec §7.3) on a GPT-2 policy. Round t samples two completions
/// per prompt from the current model π̂_t, labels each pair by a Bernoulli draw from the oracle's preference probability
/// (pairs with identical completions are dropped), scores the pairs with the reference
/// log ref_t = (1+α)·log π̂_t - α·log π̂_{t-1} (π̂_0 = π̂_1, the initial model), and trains DPO from π̂_t to get π̂_{t+1}.
/// Only the previous round's snapshot is kept; the reference enters DPO as precomputed log-probabilities. α = 0 is
/// iterative DPO. The model is trained in place; after <see cref="Train"/> it is π̂_{T+1}.
/// </summary>
public sealed class ApoTrainer : IDisposable
{
    private readonly Gpt2LMHeadModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly IPreferenceOracle _oracle;
    private readonly Func<int, IReadOnlyList<string>> _prompts;
    private readonly ApoConfig _config;
    private readonly IMetricsSink? _sink;
    private readonly Generator _generator;
    private readonly Random _labelRandom;
    private Gpt2LMHeadModel? _previous;
    private int _round;
    private long _globalStep;

    /// <param name="prompts">The prompts of round t (1-based), e.g. <see cref="TaskPrompts"/>.</param>
    public ApoTrainer(Gpt2LMHeadModel model, ITokenizer tokenizer, IPreferenceOracle oracle, Func<int, IReadOnlyList<string>> prompts,
        ApoConfig config, IMetricsSink? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(oracle);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabSize} tokens but the model's vocab_size is {model.Config.VocabSize}.");
        _model = model;
        _tokenizer = tokenizer;
        _oracle = oracle;
        _prompts = prompts;
        _config = config;
        _sink = metrics;
        _generator = new Generator((ulong)config.Seed, model.Device);
        _labelRandom = new Random(config.Seed);
    }

    /// <summary>The same prompts every round.</summary>
    public ApoTrainer(Gpt2LMHeadModel model, ITokenizer tokenizer, IPreferenceOracle oracle, IReadOnlyList<string> prompts,
        ApoConfig config, IMetricsSink? metrics = null)
        : this(model, tokenizer, oracle, _ => prompts, config, metrics)
    {
    }

    /// <summary>Round t draws <paramref name="count"/> fresh prompts from <paramref name="task"/> with seed <paramref name="seed"/> + t.</summary>
    public static Func<int, IReadOnlyList<string>> TaskPrompts(IAlignmentTask task, int count, ulong seed)
        => round => task.Prompts(count, seed + (ulong)round);

    /// <summary>Called after each round with its result (for progress reports and per-round evaluation).</summary>
    public Action<ApoRoundResult>? RoundCompleted { get; set; }

    /// <summary>Runs the remaining rounds up to <c>rounds</c> and returns their results.</summary>
    public IReadOnlyList<ApoRoundResult> Train()
    {
        var results = new List<ApoRoundResult>();
        while (_round < _config.Rounds) results.Add(RunRound());
        return results;
    }

    /// <summary>Runs the next round.</summary>
    public ApoRoundResult RunRound()
    {
        int round = ++_round;
        IReadOnlyList<string> prompts = _prompts(round);
        if (prompts.Count == 0) throw new InvalidOperationException($"The prompt source gave no prompts for round {round}.");
        var (pairs, dropped, meanLength, chosenPreference) = SampleAndLabel(prompts);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["apo/round"] = round,
            ["apo/pairs"] = pairs.Count,
            ["apo/identical_pairs_dropped"] = dropped,
            ["apo/mean_completion_length"] = meanLength,
            ["apo/chosen_preference"] = chosenPreference,
        };

        ReferenceLogps? reference = null;
        if (pairs.Count > 0)
        {
            reference = ExtrapolatedReference(pairs);
            // π̂_t becomes the previous snapshot; the model trains on from π̂_t to π̂_{t+1}.
            _previous?.Dispose();
            _previous = Trainer.FrozenCopy(_model);
            DpoTrainingConfig dpo = _config.Dpo with
            {
                Seed = _config.Dpo.Seed + round - 1,
                OutputDir = _config.Dpo.OutputDir is { } dir ? Path.Combine(dir, $"round-{round}") : null,
            };
            var sink = _sink is null ? null : new OffsetSink(_sink, _globalStep);
            using var trainer = new DpoTrainer(_model, _tokenizer.PadTokenId, pairs, dpo, metrics: sink, trainReference: reference);
            TrainingResult result = trainer.Train();
            _globalStep += result.GlobalStep;
            foreach (var (name, value) in result.LastMetrics) metrics[$"train/{name}"] = value;
        }
        if (_sink is not null)
            foreach (var (name, value) in metrics.Where(m => m.Key.StartsWith("apo/", StringComparison.Ordinal))) _sink.Add(name, value, _globalStep);
        var roundResult = new ApoRoundResult(round, pairs, dropped, reference, metrics);
        RoundCompleted?.Invoke(roundResult);
        return roundResult;
    }

    // log ref_t = (1+α) log π̂_t - α log π̂_{t-1}; in round 1 π̂_0 = π̂_1, so the reference is the initial model.
    private ReferenceLogps ExtrapolatedReference(IReadOnlyList<TokenizedPair> pairs)
    {
        int batchSize = _config.Dpo.PerDeviceEvalBatchSize;
        ReferenceLogps latest = ReferenceLogps.Compute(_model, pairs, _tokenizer.PadTokenId, batchSize);
        if (_previous is null) return latest;
        ReferenceLogps previous = ReferenceLogps.Compute(_previous, pairs, _tokenizer.PadTokenId, batchSize);
        return new ReferenceLogps(Extrapolate(latest.Chosen, previous.Chosen), Extrapolate(latest.Rejected, previous.Rejected));
    }

    private float[] Extrapolate(float[] latest, float[] previous)
    {
        using var scope = NewDisposeScope();
        Tensor result = ApoReference.Extrapolate(FromHost(latest), FromHost(previous), _config.Alpha);
        return result.data<float>().ToArray();
    }

    private static Tensor FromHost(float[] values)
    {
        Tensor host = empty(values.Length, ScalarType.Float32);
        values.AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(host.bytes));
        return host;
    }

    private (List<TokenizedPair> Pairs, int Dropped, double MeanLength, double ChosenPreference) SampleAndLabel(IReadOnlyList<string> prompts)
    {
        var pairs = new List<TokenizedPair>();
        int dropped = 0;
        double lengthSum = 0, preferenceSum = 0;
        GenerationOptions generation = _config.Generation;
        for (int start = 0; start < prompts.Count; start += _config.GenerationBatchSize)
        {
            using var scope = NewDisposeScope();
            string[] texts = [.. prompts.Skip(start).Take(_config.GenerationBatchSize)];
            int[][] promptIds = [.. texts.Select((p, i) => EncodePrompt(p, start + i, generation.MaxNewTokens))];
            // Each prompt twice: rows [0, n) give the first completions, [n, 2n) the second.
            using PromptBatch batch = Collation.Prompts([.. promptIds, .. promptIds], _tokenizer.PadTokenId, _model.Device);
            using GenerationOutput output = _model.Generate(batch.InputIds, batch.AttentionMask,
                generation with { EosTokenId = _tokenizer.EosTokenId, PadTokenId = _tokenizer.PadTokenId }, _generator);
            long[] ids = output.CompletionIds.cpu().data<long>().ToArray();
            long[] mask = output.CompletionMask.cpu().data<long>().ToArray();
            int width = (int)output.CompletionIds.shape[1];
            int[] Completion(int row) => [.. Enumerable.Range(0, width).Where(c => mask[row * width + c] != 0).Select(c => (int)ids[row * width + c])];
            for (int i = 0; i < texts.Length; i++)
            {
                int[] first = Completion(i), second = Completion(texts.Length + i);
                lengthSum += first.Length + second.Length;
                if (first.AsSpan().SequenceEqual(second))
                {
                    dropped++;
                    continue;
                }
                string firstText = _tokenizer.Decode(first, skipSpecialTokens: true);
                string secondText = _tokenizer.Decode(second, skipSpecialTokens: true);
                double p = _oracle.PreferenceProbability(texts[i], firstText, secondText);
                if (!(p >= 0 && p <= 1)) throw new InvalidOperationException($"The oracle returned preference probability {p} for prompt \"{texts[i]}\"; it must lie in [0, 1].");
                bool firstWins = _labelRandom.NextDouble() < p;
                preferenceSum += firstWins ? p : 1 - p;
                pairs.Add(firstWins ? new TokenizedPair(promptIds[i], first, second) : new TokenizedPair(promptIds[i], second, first));
            }
        }
        return (pairs, dropped, lengthSum / (2.0 * prompts.Count), pairs.Count == 0 ? double.NaN : preferenceSum / pairs.Count);
    }

    private int[] EncodePrompt(string prompt, int index, int maxNewTokens)
    {
        int[] ids = [.. _tokenizer.Encode(prompt)];
        if (ids.Length == 0) throw new ArgumentException($"Prompt {index} is empty; generation needs at least one prompt token.");
        if (ids.Length + maxNewTokens > _model.Config.NPositions)
            throw new ArgumentException($"Prompt {index} (\"{(prompt.Length <= 40 ? prompt : prompt[..40] + "…")}\") is {ids.Length} tokens; with max_new_tokens {maxNewTokens} it exceeds the model's n_positions {_model.Config.NPositions}.");
        return ids;
    }

    public void Dispose()
    {
        _previous?.Dispose();
        _previous = null;
        _generator.Dispose();
    }

    /// <summary>Reports each round's DPO steps after the steps of the earlier rounds.</summary>
    private sealed class OffsetSink(IMetricsSink inner, long offset) : IMetricsSink
    {
        public void Add(string name, double value, long step) => inner.Add(name, value, offset + step);
    }
}
