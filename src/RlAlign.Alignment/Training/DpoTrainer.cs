using RlAlign.Algorithms;
using RlAlign.Alignment.Data;
using RlAlign.Alignment.Preference;
using RlAlign.Alignment.Tokenization;
using RlAlign.Policies.Language;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Training;

/// <summary>
/// Direct preference optimisation as TRL's <c>DPOTrainer</c> (spec ALGORITHMS.md §7.1): each micro-batch scores chosen
/// and rejected completions in one forward pass, takes the DPO-family loss of <see cref="DpoLoss"/> (IPO on per-token
/// averaged log-probabilities, as TRL) and reports TRL's metrics (loss, grad_norm, learning_rate, num_tokens,
/// rewards/*, logps/*, logits/*; eval_-prefixed on the eval split). The reference is one of:
/// <list type="bullet">
/// <item>a frozen model: <c>referenceModel</c>, or by default a frozen copy of the policy as it is when the trainer is built;</item>
/// <item>log-probabilities computed once up front (<c>precompute_ref_log_probs</c>, optionally kept in <c>ref_log_probs_cache</c>),
/// or given by the caller (APO's extrapolated reference);</item>
/// <item>a frozen model synced to the policy every <c>ref_model_sync_steps</c> (TR-DPO, <c>sync_ref_model</c>).</item>
/// </list>
/// </summary>
public sealed class DpoTrainer : Trainer
{
    private readonly TokenizedPair[] _train;
    private readonly TokenizedPair[]? _eval;
    private readonly int _padTokenId;
    private readonly DpoTrainingConfig _config;
    private readonly DpoLossOptions _lossOptions;
    private readonly Gpt2LMHeadModel? _referenceModel;
    private readonly bool _ownsReferenceModel;
    private readonly ReferenceLogps? _trainReference;
    private readonly ReferenceLogps? _evalReference;

    /// <summary>A trainer on text pairs, tokenized as TRL does (EOS appended, truncated by the config's length limits).</summary>
    public DpoTrainer(Gpt2LMHeadModel model, ITokenizer tokenizer, IEnumerable<PreferenceExample> train, DpoTrainingConfig config,
        IEnumerable<PreferenceExample>? eval = null, IMetricsSink? metrics = null, Gpt2LMHeadModel? referenceModel = null)
        : this(model, CheckedPadTokenId(model, tokenizer), Tokenize(tokenizer, train, config), config,
            eval is null ? null : Tokenize(tokenizer, eval, config), metrics, referenceModel)
    {
    }

    /// <summary>
    /// A trainer on tokenized pairs. <paramref name="trainReference"/> (and <paramref name="evalReference"/> with an eval
    /// split) give the reference's summed log-probabilities directly; otherwise the config and
    /// <paramref name="referenceModel"/> (default: a frozen copy of <paramref name="model"/> now) decide.
    /// </summary>
    public DpoTrainer(Gpt2LMHeadModel model, int padTokenId, IReadOnlyList<TokenizedPair> train, DpoTrainingConfig config,
        IReadOnlyList<TokenizedPair>? eval = null, IMetricsSink? metrics = null, Gpt2LMHeadModel? referenceModel = null,
        ReferenceLogps? trainReference = null, ReferenceLogps? evalReference = null)
        : base(model, config, train.Count, metrics)
    {
        _train = [.. train];
        _eval = eval is { Count: > 0 } ? [.. eval] : null;
        CheckContext(_train, "Training", model.Config.NPositions);
        if (_eval is not null) CheckContext(_eval, "Eval", model.Config.NPositions);
        _padTokenId = padTokenId;
        _config = config;
        _lossOptions = config.LossOptions;

        if (trainReference is not null)
        {
            if (config.SyncRefModel) throw new ArgumentException("sync_ref_model needs a reference model; it cannot be combined with given reference log-probabilities.");
            RequireCount(trainReference, _train.Length, "trainReference");
            if (_eval is not null && evalReference is null) throw new ArgumentException("An eval split with given training reference log-probabilities needs evalReference too.", nameof(evalReference));
            if (_eval is not null) RequireCount(evalReference!, _eval.Length, "evalReference");
            (_trainReference, _evalReference) = (trainReference, evalReference);
            return;
        }

        Gpt2LMHeadModel reference = referenceModel ?? FrozenCopy(model);
        bool owned = referenceModel is null;
        if (!config.PrecomputeRefLogProbs)
        {
            (_referenceModel, _ownsReferenceModel) = (reference, owned);
            return;
        }
        try
        {
            (_trainReference, _evalReference) = config.RefLogProbsCache is { } cache
                ? ReferenceLogpsCache.LoadOrCompute(cache, reference, _train, _eval, padTokenId, config.PerDeviceEvalBatchSize)
                : (ReferenceLogps.Compute(reference, _train, padTokenId, config.PerDeviceEvalBatchSize),
                    _eval is null ? null : ReferenceLogps.Compute(reference, _eval, padTokenId, config.PerDeviceEvalBatchSize));
        }
        finally
        {
            if (owned) reference.Dispose();
        }
    }

    protected override string Algorithm => "dpo";

    protected override bool HasEvalSplit => _eval is not null;

    protected override Tensor MicroBatchLoss(int[] indices, int microBatchCount, MetricWindow metrics)
    {
        using DpoLossOutput output = BatchLoss(_train, _trainReference, indices, metrics, countTokens: true);
        return output.Losses.mean() / microBatchCount;
    }

    protected override Dictionary<string, double> EvaluateSplit()
    {
        var window = new MetricWindow();
        bool wasTraining = Model.training;
        Model.eval();
        for (int start = 0; start < _eval!.Length; start += _config.PerDeviceEvalBatchSize)
        {
            using var scope = NewDisposeScope();
            int[] indices = [.. Enumerable.Range(start, Math.Min(_config.PerDeviceEvalBatchSize, _eval.Length - start))];
            using DpoLossOutput output = BatchLoss(_eval, _evalReference, indices, window, countTokens: false);
            window.Add(TrainerMetricNames.Loss, output.Losses.mean().item<float>());
        }
        if (wasTraining) Model.train();
        return window.Values();
    }

    // One forward pass of the policy over chosen and rejected rows, the reference's log-probabilities, the loss and TRL's metrics.
    private DpoLossOutput BatchLoss(TokenizedPair[] split, ReferenceLogps? precomputed, int[] indices, MetricWindow metrics, bool countTokens)
    {
        using var scope = NewDisposeScope();
        int n = indices.Length;
        using SequenceBatch batch = Collation.Preferences([.. indices.Select(i => split[i])], _padTokenId, Model.Device);
        if (countTokens) CountTokens(batch.AttentionMask.sum().item<long>());
        CompletionScores scores = CompletionScores.Compute(Model, batch);
        Tensor referenceLogps;
        if (precomputed is not null)
        {
            referenceLogps = precomputed.Gather(indices, Model.Device);
        }
        else
        {
            using var noGrad = no_grad();
            referenceLogps = CompletionScores.Compute(_referenceModel!, batch).Logps;
        }
        Tensor policyLogps = scores.Logps;
        if (_lossOptions.LossType == DpoLossType.Ipo)
        {
            // TRL's IPO compares per-token averages: each sequence's log-probability divided by its completion length.
            policyLogps = policyLogps / scores.Lengths;
            referenceLogps = referenceLogps / scores.Lengths;
        }
        DpoLossOutput output = DpoLoss.Compute(policyLogps.narrow(0, 0, n), policyLogps.narrow(0, n, n),
            referenceLogps.narrow(0, 0, n), referenceLogps.narrow(0, n, n), _lossOptions);
        metrics.Add(TrainerMetricNames.RewardsChosen, output.ChosenRewards.mean().item<float>());
        metrics.Add(TrainerMetricNames.RewardsRejected, output.RejectedRewards.mean().item<float>());
        metrics.Add(TrainerMetricNames.RewardsMargins, output.RewardMargins.mean().item<float>());
        metrics.Add(TrainerMetricNames.RewardsAccuracies, output.RewardAccuracies.mean().item<float>());
        metrics.Add(TrainerMetricNames.LogpsChosen, policyLogps.narrow(0, 0, n).mean().item<float>());
        metrics.Add(TrainerMetricNames.LogpsRejected, policyLogps.narrow(0, n, n).mean().item<float>());
        // TRL's logits/* are the mean logit over the completion positions and the vocabulary.
        double vocab = Model.Config.VocabSize;
        metrics.Add(TrainerMetricNames.LogitsChosen, scores.LogitSums.narrow(0, 0, n).sum().item<float>() / (scores.Lengths.narrow(0, 0, n).sum().item<float>() * vocab));
        metrics.Add(TrainerMetricNames.LogitsRejected, scores.LogitSums.narrow(0, n, n).sum().item<float>() / (scores.Lengths.narrow(0, n, n).sum().item<float>() * vocab));
        return new DpoLossOutput(scope.MoveToOuter(output.Losses), scope.MoveToOuter(output.ChosenRewards),
            scope.MoveToOuter(output.RejectedRewards), scope.MoveToOuter(output.RewardMargins), scope.MoveToOuter(output.RewardAccuracies));
    }

    /// <summary>TR-DPO: ref ← α·policy + (1-α)·ref every <c>ref_model_sync_steps</c> optimizer steps.</summary>
    protected override void AfterOptimizerStep()
    {
        if (!_config.SyncRefModel || GlobalStep % _config.RefModelSyncSteps != 0) return;
        double alpha = _config.RefModelMixupAlpha;
        using var noGrad = no_grad();
        foreach (var (reference, policy) in _referenceModel!.parameters().Zip(Model.parameters()))
            reference.mul_(1 - alpha).add_(policy, alpha);
    }

    // A synced reference has moved away from its start, so the checkpoint carries it.
    protected override void WriteState(BinaryWriter writer)
    {
        writer.Write(_config.SyncRefModel);
        if (_config.SyncRefModel) ModuleState.Write(writer, _referenceModel!);
    }

    protected override void ReadState(BinaryReader reader)
    {
        if (reader.ReadBoolean() != _config.SyncRefModel)
            throw new InvalidDataException($"The checkpoint was written with sync_ref_model = {!_config.SyncRefModel}, this trainer has {_config.SyncRefModel}.");
        if (_config.SyncRefModel) ModuleState.Read(reader, _referenceModel!);
    }

    /// <summary>Tokenizes text pairs as the text constructor does (TRL's DPO tokenization and the config's truncation).</summary>
    public static TokenizedPair[] Tokenize(ITokenizer tokenizer, IEnumerable<PreferenceExample> examples, DpoTrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(examples);
        TruncationOptions truncation = config.Truncation;
        return [.. examples.Select(e => tokenizer.Tokenize(e, truncation))];
    }

    private static int CheckedPadTokenId(Gpt2LMHeadModel model, ITokenizer tokenizer)
    {
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabSize} tokens but the model's vocab_size is {model.Config.VocabSize}.");
        return tokenizer.PadTokenId;
    }

    private static void CheckContext(TokenizedPair[] pairs, string kind, int nPositions)
    {
        for (int i = 0; i < pairs.Length; i++)
        {
            TokenizedPair pair = pairs[i];
            int longest = Math.Max(pair.ChosenIds.Length, pair.RejectedIds.Length);
            // The first token of a row has no logit before it, so without a prompt a one-token completion has nothing to score.
            int shortest = Math.Min(pair.ChosenIds.Length, pair.RejectedIds.Length);
            if (shortest < (pair.PromptIds.Length == 0 ? 2 : 1))
                throw new ArgumentException($"{kind} example {i} has a completion with no token to score (prompt {pair.PromptIds.Length} tokens, " +
                    $"chosen {pair.ChosenIds.Length}, rejected {pair.RejectedIds.Length}); without a prompt a completion needs at least 2 tokens.");
            ContextCheck.Require(i, kind, pair.PromptIds.Length + longest,
                $"prompt {pair.PromptIds.Length} + chosen {pair.ChosenIds.Length} / rejected {pair.RejectedIds.Length} tokens", nPositions);
        }
    }

    private static void RequireCount(ReferenceLogps logps, int count, string name)
    {
        if (logps.Count != count || logps.Rejected.Length != count)
            throw new ArgumentException($"{name} holds {logps.Count} pairs' log-probabilities; the split has {count} pairs.", name);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsReferenceModel) _referenceModel?.Dispose();
        base.Dispose(disposing);
    }
}
