using RlAlign.Algorithms;
using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tokenization;
using RlAlign.Policies.Language;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Training;

/// <summary>Supervised fine-tuning settings: TRL's <c>SFTConfig</c> names and defaults on top of <see cref="TrainingConfig"/>.</summary>
public sealed record SftTrainingConfig : TrainingConfig
{
    public SftTrainingConfig() => LearningRate = 2e-5;

    /// <summary>Longest prompt + completion in tokens; longer examples lose their end (TRL's SFT truncation). Null: no limit.</summary>
    public int? MaxLength { get; init; } = 1024;

    /// <summary>Train on the completion tokens only (prompt and padding masked), TRL's default for prompt-completion data.</summary>
    public bool CompletionOnlyLoss { get; init; } = true;

    public override void Validate()
    {
        base.Validate();
        if (MaxLength is < 2) throw new ArgumentException($"max_length must be >= 2, got {MaxLength}.");
    }
}

/// <summary>
/// Supervised fine-tuning as TRL's <c>SFTTrainer</c>: the loss is the mean cross-entropy over the completion tokens of an
/// optimizer step (prompt and padding masked), i.e. the summed token losses of all its micro-batches divided by their
/// total number of completion tokens, so gradient accumulation gives the gradient of the whole batch (Hugging Face's
/// <c>num_items_in_batch</c> normalisation). Reports loss, grad_norm, learning_rate, num_tokens and mean_token_accuracy.
/// </summary>
public sealed class SftTrainer : Trainer
{
    private readonly TokenizedExample[] _train;
    private readonly TokenizedExample[]? _eval;
    private readonly int _padTokenId;
    private readonly SftTrainingConfig _config;
    private double _stepTokens;

    public SftTrainer(Gpt2LMHeadModel model, ITokenizer tokenizer, IEnumerable<SftExample> train, SftTrainingConfig config,
        IEnumerable<SftExample>? eval = null, IMetricsSink? metrics = null)
        : this(model, tokenizer, Tokenize(model, tokenizer, train, config, "Training"), config,
            eval is null ? null : Tokenize(model, tokenizer, eval, config, "Eval"), metrics)
    {
    }

    private SftTrainer(Gpt2LMHeadModel model, ITokenizer tokenizer, TokenizedExample[] train, SftTrainingConfig config,
        TokenizedExample[]? eval, IMetricsSink? metrics)
        : base(model, config, train.Length, metrics)
    {
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabSize} tokens but the model's vocab_size is {model.Config.VocabSize}.");
        _train = train;
        _eval = eval is { Length: > 0 } ? eval : null;
        _padTokenId = tokenizer.PadTokenId;
        _config = config;
    }

    protected override string Algorithm => "sft";

    protected override bool HasEvalSplit => _eval is not null;

    protected override void BeginStep(IReadOnlyList<int[]> microBatches)
        => _stepTokens = microBatches.SelectMany(b => b).Sum(i => ScoredTokens(_train[i]));

    protected override Tensor MicroBatchLoss(int[] indices, int microBatchCount, MetricWindow metrics)
    {
        using SequenceBatch batch = Collation.Sequences([.. indices.Select(i => _train[i])], _padTokenId, Model.Device);
        CountTokens(batch.AttentionMask.sum().item<long>());
        var scores = CompletionScores.Compute(Model, batch, predictions: true);
        metrics.Add(TrainerMetricNames.MeanTokenAccuracy, TokenAccuracy(scores).Correct / scores.Mask.sum().item<float>());
        return -scores.Logps.sum() / _stepTokens;
    }

    protected override Dictionary<string, double> EvaluateSplit()
    {
        double lossSum = 0, correct = 0, tokens = 0;
        for (int start = 0; start < _eval!.Length; start += _config.PerDeviceEvalBatchSize)
        {
            using var scope = NewDisposeScope();
            TokenizedExample[] rows = _eval[start..Math.Min(start + _config.PerDeviceEvalBatchSize, _eval.Length)];
            using SequenceBatch batch = Collation.Sequences(rows, _padTokenId, Model.Device);
            var scores = CompletionScores.Compute(Model, batch, predictions: true);
            lossSum -= scores.Logps.sum().item<float>();
            correct += TokenAccuracy(scores).Correct;
            tokens += scores.Mask.sum().item<float>();
        }
        return new Dictionary<string, double>
        {
            [TrainerMetricNames.Loss] = lossSum / tokens,
            [TrainerMetricNames.MeanTokenAccuracy] = correct / tokens,
        };
    }

    private static (double Correct, double Total) TokenAccuracy(CompletionScores scores)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor predicted = scores.Predicted!;
        // The logits of position t predict the token at t + 1; the mask is already aligned with those targets.
        Tensor hits = scores.Mask * predicted.eq(scores.Targets).to(scores.Mask.dtype);
        return (hits.sum().item<float>(), scores.Mask.sum().item<float>());
    }

    private static int ScoredTokens(TokenizedExample example)
        => example.PromptIds.Length > 0 ? example.CompletionIds.Length : example.CompletionIds.Length - 1;

    private static TokenizedExample[] Tokenize(Gpt2LMHeadModel model, ITokenizer tokenizer, IEnumerable<SftExample> examples, SftTrainingConfig config, string kind)
    {
        ArgumentNullException.ThrowIfNull(examples);
        config.Validate();
        var tokenized = new List<TokenizedExample>();
        foreach (SftExample example in examples)
        {
            int index = tokenized.Count;
            TokenizedExample full = tokenizer.Tokenize(example);
            // TRL truncates the concatenated sequence and keeps its start.
            if (config.MaxLength is { } maxLength && full.PromptIds.Length + full.CompletionIds.Length > maxLength)
            {
                if (full.PromptIds.Length >= maxLength)
                    throw new ArgumentException($"{kind} example {index}: its prompt alone is {full.PromptIds.Length} tokens, so no completion token fits in max_length = {maxLength}.");
                full = full with { CompletionIds = full.CompletionIds[..(maxLength - full.PromptIds.Length)] };
            }
            if (!config.CompletionOnlyLoss) full = new TokenizedExample([], [.. full.PromptIds, .. full.CompletionIds]);
            if (ScoredTokens(full) < 1)
                throw new ArgumentException($"{kind} example {index} has no token to train on (a one-token text without a prompt).");
            ContextCheck.Require(index, kind, full.PromptIds.Length + full.CompletionIds.Length,
                $"prompt {full.PromptIds.Length} + completion {full.CompletionIds.Length}", model.Config.NPositions, example.Prompt);
            tokenized.Add(full);
        }
        return [.. tokenized];
    }
}
