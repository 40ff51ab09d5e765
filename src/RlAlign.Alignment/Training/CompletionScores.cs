using RlAlign.Alignment.Data;
using RlAlign.Policies.Language;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Training;

/// <summary>
/// One forward pass over a <see cref="SequenceBatch"/>, reduced to what the losses need per row: the summed completion-token
/// log-probabilities, the number of completion tokens scored, (for TRL's <c>logits/*</c> metrics) the sum of the raw
/// logits over the completion positions, and the most likely token at each scored position (for token accuracy). Rows are scored where the loss mask is 1 on the predicted token.
/// </summary>
internal sealed record CompletionScores(Tensor Logps, Tensor Lengths, Tensor LogitSums, Tensor? Predicted, Tensor Targets, Tensor Mask)
{
    /// <param name="predictions">Also find the most likely token at each scored position (a sweep over the logits; SFT's token accuracy).</param>
    public static CompletionScores Compute(Gpt2LMHeadModel model, SequenceBatch batch, bool predictions = false)
    {
        // The output head runs only over the columns that score completion tokens, fused with its gradient.
        SequenceLogProbs.Scored scored = SequenceLogProbs.Window(model, batch.InputIds, batch.AttentionMask, batch.LossMask, predictions);
        Tensor mask = scored.Mask.to(scored.LogProbs.dtype);
        Tensor logitSums;
        using (no_grad()) logitSums = (scored.LogitSums * mask).sum(1);
        return new CompletionScores((scored.LogProbs * mask).sum(1), mask.sum(1), logitSums, scored.Predicted, scored.Targets, mask);
    }
}

/// <summary>Checks that tokenized examples fit the model's context, naming the first that does not.</summary>
internal static class ContextCheck
{
    public static void Require(int index, string kind, int sequenceTokens, string parts, int nPositions, string? prompt = null)
    {
        if (sequenceTokens <= nPositions) return;
        string shown = prompt is null ? "" : $" (prompt \"{(prompt.Length <= 40 ? prompt : prompt[..40] + "…")}\")";
        throw new ArgumentException(
            $"{kind} example {index}{shown} is {sequenceTokens} tokens long ({parts}), more than the model's context of " +
            $"n_positions = {nPositions} tokens. Set max_length (and max_prompt_length) to at most {nPositions}, or drop the example.");
    }
}
