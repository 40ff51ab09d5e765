using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tokenization;

namespace RlAlign.Alignment.Tasks;

/// <summary>
/// A synthetic language task whose reward is known exactly, so that the whole pipeline (SFT, preference pairs,
/// DPO or APO, evaluation) runs offline on a CPU and is scored by an oracle rather than by a learned reward model.
/// </summary>
public interface IAlignmentTask
{
    /// <summary>The name experiments use (<c>task: NAME</c>).</summary>
    string Name { get; }

    /// <summary>The tokenizer the task's models use: the task's alphabet plus EOS.</summary>
    ITokenizer Tokenizer { get; }

    /// <summary>The longest completion worth generating, in tokens (EOS included).</summary>
    int MaxCompletionTokens { get; }

    /// <summary><paramref name="count"/> prompts, the same for the same seed.</summary>
    IReadOnlyList<string> Prompts(int count, ulong seed);

    /// <summary>Demonstrations for SFT, the same for the same seed; deliberately imperfect, so that preference
    /// optimisation has room to improve on the SFT model.</summary>
    IReadOnlyList<SftExample> Demonstrations(int count, ulong seed);

    /// <summary>The oracle reward of <paramref name="completion"/> for <paramref name="prompt"/>, in [0, 1].</summary>
    double Reward(string prompt, string completion);
}

/// <summary>Labels which of two completions of a prompt is preferred.</summary>
public interface IPreferenceOracle
{
    /// <summary>The probability that <paramref name="first"/> is preferred to <paramref name="second"/>.</summary>
    double PreferenceProbability(string prompt, string first, string second);
}
