using System.Text.Json;
using RlAlign.Alignment.Data;
using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Policies.Language;

namespace RlAlign.Alignment.Tasks;

/// <summary>
/// A task's training data as TRL JSONL files (read back by <see cref="SftDataset"/> and <see cref="PreferenceDataset"/>),
/// and preference pairs labelled by an oracle.
/// </summary>
public static class TaskDatasets
{
    /// <summary>Writes <c>{"prompt": ..., "completion": ...}</c> lines, atomically.</summary>
    public static void WriteSft(string path, IEnumerable<SftExample> examples)
        => WriteJsonl(path, examples, (writer, e) =>
        {
            writer.WriteString("prompt", e.Prompt);
            writer.WriteString("completion", e.Completion);
        });

    /// <summary>Writes <c>{"prompt": ..., "chosen": ..., "rejected": ...}</c> lines, atomically.</summary>
    public static void WritePreferences(string path, IEnumerable<PreferenceExample> pairs)
        => WriteJsonl(path, pairs, (writer, p) =>
        {
            writer.WriteString("prompt", p.Prompt);
            writer.WriteString("chosen", p.Chosen);
            writer.WriteString("rejected", p.Rejected);
        });

    /// <summary>
    /// Offline pairs: two demonstrations of each of the prompts <c>task.Prompts(count, seed)</c>, labelled by
    /// <paramref name="oracle"/>. With <paramref name="skipIdentical"/>, a prompt whose two demonstrations are the same
    /// text gives no pair (it carries no preference), so fewer than <paramref name="count"/> pairs may come back.
    /// </summary>
    public static IReadOnlyList<PreferenceExample> PairsFromDemonstrations(SyntheticTask task, IPreferenceOracle oracle, int count, ulong seed, bool skipIdentical = true)
    {
        IReadOnlyList<string> prompts = task.Prompts(count, seed);
        NumpyGenerator demonstrator = NumpyGenerator.FromSeed(SeedStreams.Derive(seed, SeedStreams.PairDemonstrations));
        NumpyGenerator labeller = NumpyGenerator.FromSeed(SeedStreams.Derive(seed, SeedStreams.PairLabels));
        var pairs = new List<PreferenceExample>(count);
        foreach (string prompt in prompts)
        {
            string first = task.Demonstrate(prompt, demonstrator), second = task.Demonstrate(prompt, demonstrator);
            if (skipIdentical && first == second) continue;
            pairs.Add(oracle.Label(prompt, first, second, labeller));
        }
        return pairs;
    }

    /// <summary>
    /// On-policy pairs (online / iterative DPO, APO): two samples of <paramref name="model"/> for each prompt, labelled by
    /// <paramref name="oracle"/>. A completion that is only EOS is written as the EOS text, since dataset completions may not
    /// be empty. With <paramref name="skipIdentical"/>, prompts whose two samples are the same text give no pair.
    /// </summary>
    public static IReadOnlyList<PreferenceExample> PairsFromModel(
        Gpt2LMHeadModel model,
        IAlignmentTask task,
        IPreferenceOracle oracle,
        IReadOnlyList<string> prompts,
        GenerationOptions options,
        ulong seed,
        bool skipIdentical = true,
        int batchSize = TaskSampling.DefaultBatchSize)
    {
        string[] twice = [.. prompts.SelectMany(p => new[] { p, p })];
        IReadOnlyList<TaskSample> samples = TaskSampling.Sample(model, task.Tokenizer, twice, options, seed, batchSize);
        NumpyGenerator labeller = NumpyGenerator.FromSeed(SeedStreams.Derive(seed, SeedStreams.PairLabels));
        var pairs = new List<PreferenceExample>(prompts.Count);
        for (int i = 0; i < prompts.Count; i++)
        {
            string first = AsDatasetCompletion(samples[2 * i], task), second = AsDatasetCompletion(samples[2 * i + 1], task);
            if (skipIdentical && first == second) continue;
            pairs.Add(oracle.Label(prompts[i], first, second, labeller));
        }
        return pairs;
    }

    internal static string AsDatasetCompletion(TaskSample sample, IAlignmentTask task) => sample.Completion.Length > 0 ? sample.Completion : task.Tokenizer.EosToken;

    private static void WriteJsonl<T>(string path, IEnumerable<T> rows, Action<Utf8JsonWriter, T> writeFields)
        => AtomicFile.Write(path, stream =>
        {
            byte[] newline = [(byte)'\n'];
            foreach (T row in rows)
            {
                using (var writer = new Utf8JsonWriter(stream))
                {
                    writer.WriteStartObject();
                    writeFields(writer, row);
                    writer.WriteEndObject();
                }
                stream.Write(newline);
            }
        });
}
