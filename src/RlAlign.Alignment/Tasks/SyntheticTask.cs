using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tokenization;
using RlAlign.Core.Random;

namespace RlAlign.Alignment.Tasks;

/// <summary>
/// A built-in task described by how it draws one prompt and one (imperfect) demonstration; the seeded lists of
/// <see cref="IAlignmentTask"/> follow from these. <see cref="Demonstrations"/> answers the prompts of
/// <see cref="Prompts"/> with the same count and seed, so one seed names one prompt set.
/// </summary>
public abstract class SyntheticTask : IAlignmentTask
{
    /// <summary>Token id 0.. are the alphabet's characters, then EOS: the vocabulary holds nothing the task never uses.</summary>
    protected SyntheticTask(string name, string alphabet, int maxPromptTokens, int maxCompletionTokens)
    {
        Name = name;
        Tokenizer = new CharacterTokenizer(alphabet, [Gpt2Tokenizer.EndOfText]);
        MaxPromptTokens = maxPromptTokens;
        MaxCompletionTokens = maxCompletionTokens;
    }

    public string Name { get; }

    public ITokenizer Tokenizer { get; }

    /// <summary>The longest prompt <see cref="DrawPrompt"/> makes, in tokens; a model's context needs this plus <see cref="MaxCompletionTokens"/>.</summary>
    public int MaxPromptTokens { get; }

    public int MaxCompletionTokens { get; }

    public IReadOnlyList<string> Prompts(int count, ulong seed)
    {
        RequireCount(count);
        NumpyGenerator random = NumpyGenerator.FromSeed(seed);
        var prompts = new string[count];
        for (int i = 0; i < count; i++) prompts[i] = DrawPrompt(random);
        return prompts;
    }

    public IReadOnlyList<SftExample> Demonstrations(int count, ulong seed)
    {
        IReadOnlyList<string> prompts = Prompts(count, seed);
        // The demonstrator's noise has its own stream, so the prompts stay those of Prompts(count, seed).
        NumpyGenerator random = NumpyGenerator.FromSeed(SeedStreams.Derive(seed, SeedStreams.Demonstrations));
        return [.. prompts.Select(prompt => new SftExample(prompt, Demonstrate(prompt, random)))];
    }

    /// <summary>One demonstration for <paramref name="prompt"/>: what the imperfect demonstrator writes (never empty).</summary>
    public abstract string Demonstrate(string prompt, NumpyGenerator random);

    /// <summary>The oracle reward in [0, 1]; 1 exactly when the completion is fully correct.</summary>
    public double Reward(string prompt, string completion) => Score(prompt, WithoutEos(completion));

    /// <summary>One prompt, at most <see cref="MaxPromptTokens"/> tokens long.</summary>
    protected abstract string DrawPrompt(NumpyGenerator random);

    /// <summary>The reward of <paramref name="completion"/>, which holds no EOS.</summary>
    protected abstract double Score(string prompt, string completion);

    // Completions may arrive with the EOS text a model emitted (or that a dataset kept); what follows it is not part of the answer.
    private string WithoutEos(string completion)
    {
        int eos = completion.IndexOf(Tokenizer.EosToken, StringComparison.Ordinal);
        return eos < 0 ? completion : completion[..eos];
    }

    private static void RequireCount(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The number of prompts must be >= 0.");
    }
}
