using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Data;

/// <summary>
/// Padded sequences for a causal LM, all int64 [rows, longest row]: each row is prompt + completion from position 0,
/// right-padded. <see cref="AttentionMask"/> is 1 on real tokens; <see cref="LossMask"/> is 1 on completion tokens, aligned
/// with <see cref="InputIds"/> (<c>SequenceLogProbs.Sum(logits, InputIds, LossMask)</c> gives log p(completion | prompt)).
/// </summary>
public sealed record SequenceBatch(Tensor InputIds, Tensor AttentionMask, Tensor LossMask) : IDisposable
{
    public long Rows => InputIds.shape[0];

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        LossMask.Dispose();
    }
}

/// <summary>Prompts left-padded for generation (Hugging Face's batched <c>generate</c> convention): int64 [rows, longest prompt].</summary>
public sealed record PromptBatch(Tensor InputIds, Tensor AttentionMask) : IDisposable
{
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
    }
}

/// <summary>Turns tokenized examples into padded tensors.</summary>
public static class Collation
{
    /// <summary>
    /// The DPO batch: the chosen sequences of all pairs, then the rejected ones (TRL's <c>concatenated_forward</c> order), so one
    /// forward pass scores both; rows [0, n) are chosen and [n, 2n) rejected.
    /// </summary>
    public static SequenceBatch Preferences(IReadOnlyList<TokenizedPair> pairs, int padTokenId, Device? device = null)
        => Sequences([.. pairs.Select(p => new TokenizedExample(p.PromptIds, p.ChosenIds)), .. pairs.Select(p => new TokenizedExample(p.PromptIds, p.RejectedIds))], padTokenId, device);

    public static SequenceBatch Sequences(IReadOnlyList<TokenizedExample> examples, int padTokenId, Device? device = null)
    {
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        int width = examples.Max(e => e.PromptIds.Length + e.CompletionIds.Length);
        var ids = new long[examples.Count * width];
        var attention = new long[ids.Length];
        var loss = new long[ids.Length];
        Array.Fill(ids, padTokenId);
        for (int row = 0; row < examples.Count; row++)
        {
            int start = row * width, promptLength = examples[row].PromptIds.Length;
            int[] completion = examples[row].CompletionIds;
            for (int i = 0; i < promptLength; i++) ids[start + i] = examples[row].PromptIds[i];
            for (int i = 0; i < completion.Length; i++)
            {
                ids[start + promptLength + i] = completion[i];
                loss[start + promptLength + i] = 1;
            }
            attention.AsSpan(start, promptLength + completion.Length).Fill(1);
        }
        return new SequenceBatch(ToTensor(ids, examples.Count, width, device), ToTensor(attention, examples.Count, width, device), ToTensor(loss, examples.Count, width, device));
    }

    public static PromptBatch Prompts(IReadOnlyList<int[]> prompts, int padTokenId, Device? device = null)
    {
        if (prompts.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(prompts));
        int width = prompts.Max(p => p.Length);
        var ids = new long[prompts.Count * width];
        var attention = new long[ids.Length];
        Array.Fill(ids, padTokenId);
        for (int row = 0; row < prompts.Count; row++)
        {
            int start = row * width + width - prompts[row].Length;
            for (int i = 0; i < prompts[row].Length; i++) ids[start + i] = prompts[row][i];
            attention.AsSpan(start, prompts[row].Length).Fill(1);
        }
        return new PromptBatch(ToTensor(ids, prompts.Count, width, device), ToTensor(attention, prompts.Count, width, device));
    }

    // Host data goes into a tensor libtorch allocated (see Algorithms' HostCopy for why not torch.tensor(array)).
    private static Tensor ToTensor(long[] values, long rows, long columns, Device? device)
    {
        Tensor host = empty([rows, columns], ScalarType.Int64);
        values.AsSpan().CopyTo(MemoryMarshal.Cast<byte, long>(host.bytes));
        if (device is null || device.type == DeviceType.CPU) return host;
        using (host) return host.to(device);
    }
}
