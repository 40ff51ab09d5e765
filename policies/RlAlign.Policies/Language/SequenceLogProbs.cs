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
        using var scope = NewDisposeScope();
        Tensor perToken = PerToken(logits, inputIds);
        Tensor mask = lossMask.narrow(1, 1, lossMask.shape[1] - 1).to(perToken.dtype);
        return scope.MoveToOuter((perToken * mask).sum(1));
    }
}
