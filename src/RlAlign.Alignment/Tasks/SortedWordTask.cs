using RlAlign.Core.Random;

namespace RlAlign.Alignment.Tasks;

/// <summary>
/// Write a word under constraints: the prompt <c>"c5:"</c> asks for a word of exactly 5 letters that starts with
/// <c>c</c> and never goes back in the alphabet (<c>"cdffh"</c>, <c>"ccklp"</c>, ...). Letters are <c>a</c>–<c>p</c>; the
/// first letter is one of <c>a</c>–<c>h</c> and the length 3–8.
/// <para>
/// Reward: the mean of three graded constraint scores. Start: 1 if the first character is the asked letter. Length:
/// 1 - |length - n| / n, at least 0. Order: the share of characters that are letters not before their predecessor in the
/// alphabet (the first character counts if it is a letter). Fully correct words, and only they, score 1; "" scores 0.
/// </para>
/// <para>
/// Unlike arithmetic, each prompt has many right answers, so an aligned policy can stay diverse: the KL to the reference
/// and the reward trade off rather than the policy collapsing onto one answer. Demonstrations are right with probability
/// <see cref="CorrectProbability"/>; otherwise one constraint is broken (wrong first letter, one letter too many or too
/// few, or two letters out of order, about a third of the time each).
/// </para>
/// </summary>
public sealed class SortedWordTask : SyntheticTask
{
    public const string TaskName = "sorted_word";

    private const char FirstLetter = 'a', LastLetter = 'p', LastStartLetter = 'h';
    private const int MinLength = 3, MaxLength = 8;

    public SortedWordTask(double correctProbability = 0.5)
        : base(TaskName, "abcdefghijklmnop0123456789:", maxPromptTokens: 3, maxCompletionTokens: MaxLength + 3)
    {
        if (!(correctProbability is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(correctProbability), correctProbability, "correct_probability must be in [0, 1].");
        CorrectProbability = correctProbability;
    }

    /// <summary>How often a demonstration satisfies every constraint.</summary>
    public double CorrectProbability { get; }

    public override string Demonstrate(string prompt, NumpyGenerator random)
    {
        (char start, int length) = Parse(prompt);
        char[] word = new char[length];
        word[0] = start;
        for (int i = 1; i < length; i++) word[i] = RandomLetter(random, start, LastLetter);
        Array.Sort(word, 1, length - 1);
        if (random.Random() < CorrectProbability) return new string(word);

        double mistake = random.Random();
        bool broken = mistake < 1.0 / 3 ? TryChangeStart(word, random) : mistake >= 2.0 / 3 && TryBreakOrder(word, random);
        if (broken) return new string(word);
        // One letter too few or too many (a repeated letter keeps the order); this mistake is always possible.
        int at = (int)random.Integers(1, length);
        return random.Random() < 0.5 ? new string(word).Remove(at, 1) : new string(word).Insert(at, word[at].ToString());
    }

    protected override string DrawPrompt(NumpyGenerator random)
        => $"{RandomLetter(random, FirstLetter, LastStartLetter)}{random.Integers(MinLength, MaxLength + 1)}:";

    protected override double Score(string prompt, string completion)
    {
        (char start, int length) = Parse(prompt);
        if (completion.Length == 0) return 0;
        double startScore = completion[0] == start ? 1 : 0;
        double lengthScore = Math.Max(0, 1 - Math.Abs(completion.Length - length) / (double)length);
        int ordered = 0;
        for (int i = 0; i < completion.Length; i++)
        {
            if (IsLetter(completion[i]) && (i == 0 || (IsLetter(completion[i - 1]) && completion[i] >= completion[i - 1]))) ordered++;
        }
        return (startScore + lengthScore + (double)ordered / completion.Length) / 3;
    }

    // Another first letter that keeps the order, so only the start constraint is broken.
    private static bool TryChangeStart(char[] word, NumpyGenerator random)
    {
        char[] others = [.. Enumerable.Range(FirstLetter, word[1] - FirstLetter + 1).Select(c => (char)c).Where(c => c != word[0])];
        if (others.Length == 0) return false;
        word[0] = others[random.Integers(0, others.Length)];
        return true;
    }

    // Swaps two neighbouring letters that differ (not the first, which the start constraint is about), so exactly one step goes back in the alphabet.
    private static bool TryBreakOrder(char[] word, NumpyGenerator random)
    {
        int[] rises = [.. Enumerable.Range(2, word.Length - 2).Where(i => word[i] != word[i - 1])];
        if (rises.Length == 0) return false;
        int at = rises[random.Integers(0, rises.Length)];
        (word[at - 1], word[at]) = (word[at], word[at - 1]);
        return true;
    }

    private static char RandomLetter(NumpyGenerator random, char from, char to) => (char)random.Integers(from, to + 1);

    private static bool IsLetter(char c) => c is >= FirstLetter and <= LastLetter;

    private static (char Start, int Length) Parse(string prompt)
    {
        if (prompt.Length == 3 && prompt[0] is >= FirstLetter and <= LastStartLetter && prompt[1] is >= (char)('0' + MinLength) and <= (char)('0' + MaxLength) && prompt[2] == ':')
            return (prompt[0], prompt[1] - '0');
        throw new ArgumentException(
            $"'{prompt}' is not a {TaskName} prompt; expected a letter {FirstLetter}-{LastStartLetter}, a length {MinLength}-{MaxLength} and ':', e.g. \"c5:\".", nameof(prompt));
    }
}
