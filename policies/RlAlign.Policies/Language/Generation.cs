using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Policies.Language;

/// <summary>
/// How <see cref="Gpt2LMHeadModel.Generate"/> picks tokens, with Hugging Face <c>generate</c>'s names and order:
/// greedy unless <see cref="DoSample"/>; when sampling, the logits are divided by <see cref="Temperature"/>, then cut
/// to the <see cref="TopK"/> most likely tokens, then to the smallest set whose probability reaches <see cref="TopP"/>.
/// Unlike Hugging Face's default of top_k = 50, <see cref="TopK"/> is off by default, as in TRL's online trainers.
/// </summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 32;

    public bool DoSample { get; init; }

    public double Temperature { get; init; } = 1.0;

    /// <summary>Keep only the k most likely tokens; 0 turns the filter off.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: keep the most likely tokens until their probability reaches p; 1 turns the filter off.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Rows stop after emitting this token; null takes the model config's <c>eos_token_id</c>.</summary>
    public int? EosTokenId { get; init; }

    /// <summary>Keep generating after EOS until <see cref="MaxNewTokens"/> (vLLM's <c>ignore_eos</c>), e.g. to measure or to get fixed-length samples.</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Emitted by finished rows; null takes <c>pad_token_id</c>, else the EOS id (Hugging Face's choice for GPT-2), else 0.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>Feed each new token once through a <see cref="KeyValueCache"/>; false recomputes the whole sequence every step.</summary>
    public bool UseCache { get; init; } = true;

    public void Validate()
    {
        if (MaxNewTokens <= 0) throw new ArgumentException($"max_new_tokens must be > 0, got {MaxNewTokens}.");
        if (!(Temperature > 0) || double.IsInfinity(Temperature)) throw new ArgumentException($"temperature must be a positive number, got {Temperature}.");
        if (TopK < 0) throw new ArgumentException($"top_k must be >= 0 (0 turns it off), got {TopK}.");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"top_p must be in (0, 1], got {TopP}.");
        if (EosTokenId is < 0) throw new ArgumentException($"eos_token_id must be >= 0, got {EosTokenId}.");
        if (PadTokenId is < 0) throw new ArgumentException($"pad_token_id must be >= 0, got {PadTokenId}.");
    }
}

/// <summary>
/// What <see cref="Gpt2LMHeadModel.Generate"/> returns: the new tokens [batch, steps] (steps ≤ max_new_tokens; generation
/// stops early once every row has emitted EOS) and a mask [batch, steps] that is 1 for each row's generated tokens up to and
/// including its EOS and 0 for the padding emitted after it.
/// </summary>
public sealed record GenerationOutput(Tensor CompletionIds, Tensor CompletionMask) : IDisposable
{
    public void Dispose()
    {
        CompletionIds.Dispose();
        CompletionMask.Dispose();
    }
}

public sealed partial class Gpt2LMHeadModel
{
    /// <summary>
    /// Continues each prompt of <paramref name="inputIds"/> (int64 [batch, prompt length]; left-padded where
    /// <paramref name="attentionMask"/> is 0, as Hugging Face expects for batched generation). Sampling draws from
    /// <paramref name="generator"/> (on the model's device), so a seeded generator gives reproducible samples.
    /// </summary>
    public GenerationOutput Generate(Tensor inputIds, Tensor? attentionMask, GenerationOptions options, Generator? generator = null)
    {
        options.Validate();
        if (inputIds.dim() != 2 || inputIds.shape[1] == 0)
            throw new ArgumentException($"Prompts must be [batch, prompt length] with at least one token, got [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        long batch = inputIds.shape[0], promptLength = inputIds.shape[1];
        long totalLength = promptLength + options.MaxNewTokens;
        if (totalLength > Config.NPositions)
            throw new ArgumentException($"The prompt length {promptLength} plus max_new_tokens {options.MaxNewTokens} is {totalLength}, more than the model's n_positions {Config.NPositions}.");
        int? eos = options.IgnoreEos ? null : options.EosTokenId ?? Config.EosTokenId;
        int pad = options.PadTokenId ?? Config.PadTokenId ?? options.EosTokenId ?? Config.EosTokenId ?? 0;
        if (eos >= Config.VocabSize)
            throw new ArgumentException($"The EOS token id {eos} is outside the vocabulary [0, {Config.VocabSize}); set eos_token_id in the config or GenerationOptions.EosTokenId.");
        if (pad >= Config.VocabSize)
            throw new ArgumentException($"The pad token id {pad} is outside the vocabulary [0, {Config.VocabSize}); set pad_token_id in the config or GenerationOptions.PadTokenId.");

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        inputIds = inputIds.to(Device);
        // The mask of the whole sequence, prompt then new tokens; each step uses its first (prompt + step) columns.
        Tensor? mask = null;
        if (attentionMask is not null)
        {
            mask = ones(batch, totalLength, ScalarType.Int64, Device);
            mask.narrow(1, 0, promptLength).copy_(attentionMask);
        }
        Tensor tokens = full(batch, options.MaxNewTokens, pad, ScalarType.Int64, Device);
        Tensor completionMask = zeros(batch, options.MaxNewTokens, ScalarType.Int64, Device);
        Tensor unfinished = ones(batch, ScalarType.Bool, Device);
        using KeyValueCache? cache = options.UseCache ? new KeyValueCache(Config, batch, totalLength, TokenEmbedding.dtype, Device) : null;

        int steps = 0;
        while (steps < options.MaxNewTokens)
        {
            using var stepScope = NewDisposeScope();
            Tensor input = (cache, steps) switch
            {
                (_, 0) => inputIds,
                (not null, _) => tokens.narrow(1, steps - 1, 1),
                _ => cat([inputIds, tokens.narrow(1, 0, steps)], 1),
            };
            Tensor? stepMask = mask?.narrow(1, 0, promptLength + steps);
            Tensor hidden = HiddenStates(input, stepMask, cache);
            Tensor logits = Logits(hidden.select(1, -1));
            Tensor next = SelectTokens(logits, options, generator).masked_fill(unfinished.logical_not(), pad);
            tokens.select(1, steps).copy_(next);
            completionMask.select(1, steps).copy_(unfinished);
            steps++;
            if (eos is { } eosId)
            {
                unfinished.logical_and_(next.ne(eosId));
                if (!unfinished.any().item<bool>()) break;
            }
        }
        return new GenerationOutput(
            scope.MoveToOuter(tokens.narrow(1, 0, steps).clone()),
            scope.MoveToOuter(completionMask.narrow(1, 0, steps).clone()));
    }

    private static Tensor SelectTokens(Tensor logits, GenerationOptions options, Generator? generator)
    {
        if (!options.DoSample) return logits.argmax(-1);
        if (options.Temperature != 1.0) logits = logits / options.Temperature;
        if (options.TopK > 0 && options.TopK < logits.shape[^1])
        {
            Tensor kthLargest = logits.topk(options.TopK).values.narrow(-1, options.TopK - 1, 1);
            logits = logits.masked_fill(logits.lt(kthLargest), double.NegativeInfinity);
        }
        if (options.TopP < 1.0)
        {
            // Drop a token when the tokens ranked above it already reach top_p; the most likely one always stays.
            (Tensor sorted, Tensor order) = logits.sort(-1, descending: true);
            Tensor probabilities = sorted.softmax(-1);
            Tensor before = probabilities.cumsum(-1) - probabilities;
            Tensor dropSorted = before.ge(options.TopP);
            Tensor drop = zeros_like(dropSorted).scatter(-1, order, dropSorted);
            logits = logits.masked_fill(drop, double.NegativeInfinity);
        }
        return TokenSampling.Sample(logits, generator);
    }
}

/// <summary>Draws tokens from logits [batch, vocab].</summary>
public static class TokenSampling
{
    /// <summary>
    /// One token per row, drawn with probability softmax(<paramref name="logits"/>) from a single uniform number per row:
    /// the first token whose cumulative (unnormalised) probability exceeds u times the total. <c>multinomial</c> draws an
    /// exponential variate for every vocabulary entry instead, which cost more than the whole model step at 50k tokens.
    /// The cumulative sum is in float64 so that rounding over a large vocabulary cannot shift probability between tokens.
    /// </summary>
    public static Tensor Sample(Tensor logits, Generator? generator)
    {
        using var scope = NewDisposeScope();
        Tensor weights = (logits - logits.max(-1, keepdim: true).values).exp_();
        Tensor cumulative = weights.to(ScalarType.Float64).cumsum(-1);
        long vocab = cumulative.shape[^1];
        Tensor uniform = rand([logits.shape[0], 1], ScalarType.Float64, logits.device, generator: generator);
        Tensor target = uniform * cumulative.narrow(-1, vocab - 1, 1);
        // right: the first index whose cumulative weight is strictly greater, so zero-probability tokens are never drawn.
        Tensor index = searchsorted(cumulative, target, right: true).clamp_max(vocab - 1);
        return scope.MoveToOuter(index.squeeze(-1));
    }
}
