using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tokenization;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tasks;

/// <summary>
/// One sampled completion. <see cref="CompletionIds"/> are the generated tokens up to and including EOS (no EOS when the
/// token budget ran out first, see <see cref="Finished"/>); <see cref="Completion"/> is their text without EOS.
/// </summary>
public sealed record TaskSample(string Prompt, string Completion, int[] PromptIds, int[] CompletionIds, bool Finished);

/// <summary>Batched sampling from a causal LM for a task's prompts, and the log-probabilities of samples under a model.</summary>
public static class TaskSampling
{
    public const int DefaultBatchSize = 64;

    /// <summary>Sampling at temperature 1 (the policy's own distribution), up to the task's longest completion.</summary>
    public static GenerationOptions DefaultGeneration(IAlignmentTask task) => new()
    {
        MaxNewTokens = task.MaxCompletionTokens,
        DoSample = true,
        EosTokenId = task.Tokenizer.EosTokenId,
        PadTokenId = task.Tokenizer.PadTokenId,
    };

    /// <summary>
    /// One completion per prompt, in order, generated in left-padded batches of <paramref name="batchSize"/>. The draws come
    /// from a torch generator seeded with <paramref name="seed"/>, so the same model, prompts and seed give the same samples.
    /// </summary>
    public static IReadOnlyList<TaskSample> Sample(Gpt2LMHeadModel model, ITokenizer tokenizer, IReadOnlyList<string> prompts, GenerationOptions options, ulong seed, int batchSize = DefaultBatchSize)
    {
        RequireBatchSize(batchSize);
        options = options with { EosTokenId = options.EosTokenId ?? tokenizer.EosTokenId, PadTokenId = options.PadTokenId ?? tokenizer.PadTokenId };
        using var generator = new Generator(seed, model.Device);
        var samples = new List<TaskSample>(prompts.Count);
        foreach (string[] chunk in prompts.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            int[][] promptIds = [.. chunk.Select(p => tokenizer.Encode(p).ToArray())];
            if (promptIds.FirstOrDefault(p => p.Length == 0) is not null)
                throw new ArgumentException("A prompt is empty; generation needs at least one prompt token.", nameof(prompts));
            using PromptBatch batch = Collation.Prompts(promptIds, tokenizer.PadTokenId, model.Device);
            using GenerationOutput output = model.Generate(batch.InputIds, batch.AttentionMask, options, generator);
            long[] ids = output.CompletionIds.cpu().data<long>().ToArray();
            long[] mask = output.CompletionMask.cpu().data<long>().ToArray();
            int steps = (int)output.CompletionIds.shape[1];
            for (int row = 0; row < chunk.Length; row++)
            {
                int[] completion = [.. Enumerable.Range(row * steps, steps).Where(i => mask[i] == 1).Select(i => (int)ids[i])];
                bool finished = completion.Length > 0 && completion[^1] == options.EosTokenId;
                string text = tokenizer.Decode(finished ? completion[..^1] : completion);
                samples.Add(new TaskSample(chunk[row], text, promptIds[row], completion, finished));
            }
        }
        return samples;
    }

    /// <summary>log p(completion | prompt) under <paramref name="model"/> for each sample: the sum over its completion tokens (spec §0.3), under no-grad.</summary>
    public static double[] CompletionLogProbs(Gpt2LMHeadModel model, IReadOnlyList<TaskSample> samples, int padTokenId, int batchSize = DefaultBatchSize)
    {
        RequireBatchSize(batchSize);
        using var noGrad = no_grad();
        var logProbs = new List<double>(samples.Count);
        foreach (TaskSample[] chunk in samples.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            using SequenceBatch batch = Collation.Sequences([.. chunk.Select(s => new TokenizedExample(s.PromptIds, s.CompletionIds))], padTokenId, model.Device);
            Tensor sums = SequenceLogProbs.Sum(model, batch.InputIds, batch.AttentionMask, batch.LossMask);
            logProbs.AddRange(sums.to(ScalarType.Float64).cpu().data<double>().ToArray());
        }
        return [.. logProbs];
    }

    private static void RequireBatchSize(int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be >= 1.");
    }
}
