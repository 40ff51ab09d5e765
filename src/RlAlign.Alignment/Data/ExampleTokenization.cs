using RlAlign.Alignment.Tokenization;

namespace RlAlign.Alignment.Data;

/// <summary>
/// Token budgets, with TRL's names. Null means no limit. The trainers' configs carry TRL's defaults (DPO: prompt 512,
/// total 1024); these records are neutral.
/// </summary>
public sealed record TruncationOptions
{
    /// <summary>Longest prompt; longer prompts keep their end (TRL's "keep_end" for prompts).</summary>
    public int? MaxPromptLength { get; init; }

    /// <summary>Longest completion (EOS included); longer ones keep their start.</summary>
    public int? MaxCompletionLength { get; init; }

    /// <summary>
    /// Longest prompt + completion. The prompt gives way first (it keeps its end, and at least one token so the first
    /// completion token has a logit to be scored by); only a completion that cannot fit beside that loses its end.
    /// </summary>
    public int? MaxLength { get; init; }

    public void Validate()
    {
        if (MaxPromptLength is < 1) throw new ArgumentException($"max_prompt_length must be >= 1, got {MaxPromptLength}.");
        if (MaxCompletionLength is < 1) throw new ArgumentException($"max_completion_length must be >= 1, got {MaxCompletionLength}.");
        if (MaxLength is < 2) throw new ArgumentException($"max_length must be >= 2 (a prompt token and a completion token), got {MaxLength}.");
    }
}

/// <summary>A preference pair as token ids; chosen and rejected end with EOS unless truncation cut it off.</summary>
public sealed record TokenizedPair(int[] PromptIds, int[] ChosenIds, int[] RejectedIds);

/// <summary>A prompt and one completion as token ids (the prompt may be empty).</summary>
public sealed record TokenizedExample(int[] PromptIds, int[] CompletionIds);

/// <summary>
/// Text examples to token ids as TRL's DPO trainer does it: prompt and completions are encoded separately without added
/// special tokens, EOS is appended to each completion (once: not when the text already ends with it), then truncated.
/// </summary>
public static class ExampleTokenization
{
    public static TokenizedPair Tokenize(this ITokenizer tokenizer, PreferenceExample example, TruncationOptions? truncation = null)
    {
        int[] prompt = [.. tokenizer.Encode(example.Prompt)];
        int[][] completions = Truncate(ref prompt, [tokenizer.EncodeCompletion(example.Chosen), tokenizer.EncodeCompletion(example.Rejected)], truncation);
        return new TokenizedPair(prompt, completions[0], completions[1]);
    }

    public static TokenizedExample Tokenize(this ITokenizer tokenizer, SftExample example, TruncationOptions? truncation = null)
    {
        int[] prompt = [.. tokenizer.Encode(example.Prompt)];
        int[][] completions = Truncate(ref prompt, [tokenizer.EncodeCompletion(example.Completion)], truncation);
        return new TokenizedExample(prompt, completions[0]);
    }

    /// <summary>The ids of <paramref name="text"/> followed by EOS, which is added only if the text does not already end with it.</summary>
    public static int[] EncodeCompletion(this ITokenizer tokenizer, string text)
    {
        IReadOnlyList<int> ids = tokenizer.Encode(text);
        return ids.Count > 0 && ids[^1] == tokenizer.EosTokenId ? [.. ids] : [.. ids, tokenizer.EosTokenId];
    }

    // The completions of one prompt share its truncation, so chosen and rejected are scored against the same context.
    private static int[][] Truncate(ref int[] prompt, int[][] completions, TruncationOptions? truncation)
    {
        if (truncation is null) return completions;
        truncation.Validate();
        if (truncation.MaxPromptLength is { } maxPrompt && prompt.Length > maxPrompt) prompt = prompt[^maxPrompt..];
        if (truncation.MaxCompletionLength is { } maxCompletion)
            completions = [.. completions.Select(c => c.Length > maxCompletion ? c[..maxCompletion] : c)];
        if (truncation.MaxLength is { } maxLength)
        {
            int longest = completions.Max(c => c.Length);
            if (prompt.Length + longest > maxLength)
            {
                int keep = Math.Min(prompt.Length, Math.Max(maxLength - longest, prompt.Length > 0 ? 1 : 0));
                prompt = prompt[^keep..];
                int room = maxLength - prompt.Length;
                completions = [.. completions.Select(c => c.Length > room ? c[..room] : c)];
            }
        }
        return completions;
    }
}
