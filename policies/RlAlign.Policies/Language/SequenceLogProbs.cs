using static TorchSharp.torch;

namespace RlAlign.Policies.Language;

/// <summary>
/// Log-probabilities of the tokens of a sequence under a causal LM's logits (spec §0.3): the logits at position t-1
/// score the token at position t, so a [batch, T] sequence yields T - 1 token log-probabilities.
/// </summary>
public static class SequenceLogProbs
{
    /// <summary>
    /// log softmax(logits[:, t-1])[ids[:, t]] for t = 1..T-1, shape [batch, T - 1]. Computed as the gathered logit minus
    /// the log-sum-exp over the vocabulary (TRL's <c>selective_log_softmax</c>), which never materialises the full
    /// [batch, T, vocab] log-softmax.
    /// </summary>
    public static Tensor PerToken(Tensor logits, Tensor inputIds)
    {
        if (logits.dim() != 3 || inputIds.dim() != 2 || logits.shape[0] != inputIds.shape[0] || logits.shape[1] != inputIds.shape[1])
            throw new ArgumentException($"Logits must be [batch, T, vocab] and ids [batch, T]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", inputIds.shape)}].");
        using var scope = NewDisposeScope();
        long length = inputIds.shape[1];
        Tensor predicting = logits.narrow(1, 0, length - 1);
        Tensor targets = inputIds.narrow(1, 1, length - 1).unsqueeze(-1);
        Tensor chosen = predicting.gather(2, targets).squeeze(-1);
        return scope.MoveToOuter(chosen - predicting.logsumexp(2, keepdim: false));
    }

    /// <summary>
    /// Sum of the token log-probabilities where <paramref name="lossMask"/> ([batch, T], aligned with the ids) is 1:
    /// log p(completion | prompt) when the mask marks the completion tokens. Shape [batch]. The first token of a row
    /// has no preceding logit and never counts.
    /// </summary>
    public static Tensor Sum(Tensor logits, Tensor inputIds, Tensor lossMask)
    {
        CheckMask(inputIds, lossMask);
        using var scope = NewDisposeScope();
        Tensor perToken = PerToken(logits, inputIds);
        Tensor mask = lossMask.narrow(1, 1, lossMask.shape[1] - 1).to(perToken.dtype);
        return scope.MoveToOuter((perToken * mask).sum(1));
    }

    /// <summary>
    /// The same sums as <c>Sum(model.Forward(inputIds, attentionMask), inputIds, lossMask)</c>, but the output head (the
    /// [tokens × vocab] product that dominates a small model's cost) runs only over the columns that score a masked
    /// token: from the first completion token to the last. In DPO and SFT batches that skips the prompt and the
    /// trailing padding.
    /// </summary>
    public static Tensor Sum(Gpt2LMHeadModel model, Tensor inputIds, Tensor? attentionMask, Tensor lossMask)
    {
        using var scope = NewDisposeScope();
        Scored scored = Window(model, inputIds, attentionMask, lossMask);
        return scope.MoveToOuter((scored.LogProbs * scored.Mask.to(scored.LogProbs.dtype)).sum(1));
    }

    /// <summary>
    /// Per-token log-probabilities of the masked tokens' window: <see cref="Scored.LogProbs"/> [batch, window] of the
    /// <see cref="Scored.Targets"/> they score, with the <see cref="Scored.Mask"/> (the loss mask over those targets), the
    /// sum of the logits over the vocabulary (<see cref="Scored.LogitSums"/>, for TRL's <c>logits/*</c> metrics; no gradient)
    /// and, with <paramref name="predictions"/>, the model's most likely token at each position (<see cref="Scored.Predicted"/>,
    /// for token accuracy). The logits themselves are never kept: the output head and its gradient run fused
    /// (<see cref="FusedHeadLogProbs"/>). A mask with no 1 gives a window of length 0.
    /// </summary>
    public static Scored Window(Gpt2LMHeadModel model, Tensor inputIds, Tensor? attentionMask, Tensor lossMask, bool predictions = false)
    {
        CheckMask(inputIds, lossMask);
        using var scope = NewDisposeScope();
        Tensor hidden = model.HiddenStates(inputIds, attentionMask);
        // Only targets at column 1 onwards have a logit before them.
        Tensor targetColumns = lossMask.narrow(1, 1, lossMask.shape[1] - 1).ne(0).any(0).nonzero();
        long first = 1, length = 0;
        if (targetColumns.shape[0] > 0)
        {
            first = 1 + targetColumns[0, 0].item<long>();
            length = 1 + targetColumns[-1, 0].item<long>() + 1 - first;
        }
        long batch = inputIds.shape[0];
        Tensor targets = inputIds.narrow(1, first, length);
        Tensor rows = hidden.narrow(1, first - 1, length).reshape(batch * length, hidden.shape[2]);
        var extras = new HeadExtras { WantArgmax = predictions, Bf16 = model.Bf16Matmuls };
        Tensor logProbs = FusedHeadLogProbs.Compute(rows, model.TokenEmbedding, targets.reshape(batch * length), extras).view(batch, length);
        Tensor mask = lossMask.narrow(1, first, length);
        // Σ_v hidden·W_v = hidden·(Σ_v W_v): the logit sums without another sweep over the logits.
        Tensor logitSums;
        using (no_grad()) logitSums = rows.matmul(model.TokenEmbedding.sum(dim: 0)).view(batch, length);
        return new Scored(scope.MoveToOuter(targets), scope.MoveToOuter(logProbs), scope.MoveToOuter(mask),
            extras.Argmax is null ? null : scope.MoveToOuter(extras.Argmax.view(batch, length)), scope.MoveToOuter(logitSums));
    }

    private static void CheckMask(Tensor inputIds, Tensor lossMask)
    {
        if (lossMask.dim() != 2 || inputIds.dim() != 2 || lossMask.shape[0] != inputIds.shape[0] || lossMask.shape[1] != inputIds.shape[1])
            throw new ArgumentException($"The loss mask must have the ids' shape [batch, T]; got [{string.Join(", ", lossMask.shape)}] for ids [{string.Join(", ", inputIds.shape)}].");
    }

    /// <summary>The scored window of a batch: see <see cref="Window"/>.</summary>
    public sealed record Scored(Tensor Targets, Tensor LogProbs, Tensor Mask, Tensor? Predicted, Tensor LogitSums) : IDisposable
    {
        public void Dispose()
        {
            Predicted?.Dispose();
            LogitSums.Dispose();
            Targets.Dispose();
            LogProbs.Dispose();
            Mask.Dispose();
        }
    }
}
