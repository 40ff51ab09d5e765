using System.Globalization;
using RlAlign.Core.Random;

namespace RlAlign.Alignment.Tasks;

/// <summary>
/// Addition written out in digits: the prompt is <c>"17+58="</c>, the answer <c>"75"</c> (then EOS). Operands are drawn
/// uniformly from [0, <see cref="MaxOperand"/>].
/// <para>
/// Reward: the digits are compared right-aligned (units with units, as addition carries) and the count of matches is
/// divided by the longer of answer and completion, so each wrong, missing or extra character costs the same share:
/// "75" scores 1, "74" and "5" score 0.5, "175" scores 2/3, "" and "+=" score 0. The graded reward makes two imperfect
/// completions comparable, so preference pairs carry signal even before the model is often right.
/// </para>
/// <para>
/// Demonstrations are right with probability <see cref="CorrectProbability"/>; otherwise one character is wrong (a digit
/// replaced 70% of the time, dropped 15%, an extra digit inserted 15%). SFT on them imitates a noisy demonstrator: sampled
/// at temperature 1 it is right only about as often as the demonstrator, though the right answer is each prompt's most
/// likely completion. That is the gap preference optimisation closes, and it is measured by the sampled reward.
/// </para>
/// </summary>
public sealed class ArithmeticTask : SyntheticTask
{
    public const string TaskName = "arithmetic";

    public ArithmeticTask(int maxOperand = 99, double correctProbability = 0.5)
        : base(TaskName, "0123456789+=", maxPromptTokens: 2 * Digits(maxOperand) + 2, maxCompletionTokens: Digits(2 * maxOperand) + 3)
    {
        if (maxOperand is < 1 or > 99_999) throw new ArgumentOutOfRangeException(nameof(maxOperand), maxOperand, "max_operand must be in [1, 99999].");
        if (!(correctProbability is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(correctProbability), correctProbability, "correct_probability must be in [0, 1].");
        MaxOperand = maxOperand;
        CorrectProbability = correctProbability;
    }

    public int MaxOperand { get; }

    /// <summary>How often a demonstration is the right answer.</summary>
    public double CorrectProbability { get; }

    /// <summary>The right answer to <paramref name="prompt"/>, e.g. "75" for "17+58=".</summary>
    public string Answer(string prompt)
    {
        (int a, int b) = Parse(prompt);
        return (a + b).ToString(CultureInfo.InvariantCulture);
    }

    public override string Demonstrate(string prompt, NumpyGenerator random)
    {
        string answer = Answer(prompt);
        if (random.Random() < CorrectProbability) return answer;
        double mistake = random.Random();
        int at = (int)random.Integers(0, answer.Length);
        if (mistake < 0.7 || (mistake < 0.85 && answer.Length == 1))
        {
            char replaced = (char)('0' + (answer[at] - '0' + random.Integers(1, 10)) % 10);
            return string.Concat(answer.AsSpan(0, at), [replaced], answer.AsSpan(at + 1));
        }
        if (mistake < 0.85) return answer.Remove(at, 1);
        return answer.Insert((int)random.Integers(0, answer.Length + 1), ((char)('0' + random.Integers(0, 10))).ToString());
    }

    protected override string DrawPrompt(NumpyGenerator random)
    {
        long a = random.Integers(0, MaxOperand + 1L), b = random.Integers(0, MaxOperand + 1L);
        return string.Create(CultureInfo.InvariantCulture, $"{a}+{b}=");
    }

    protected override double Score(string prompt, string completion)
    {
        string answer = Answer(prompt);
        int longer = Math.Max(answer.Length, completion.Length);
        int matches = 0;
        for (int i = 1; i <= Math.Min(answer.Length, completion.Length); i++)
        {
            if (answer[^i] == completion[^i]) matches++;
        }
        return (double)matches / longer;
    }

    private static (int A, int B) Parse(string prompt)
    {
        int plus = prompt.IndexOf('+');
        if (plus > 0 && prompt.EndsWith('=')
            && int.TryParse(prompt.AsSpan(0, plus), NumberStyles.None, CultureInfo.InvariantCulture, out int a)
            && int.TryParse(prompt.AsSpan(plus + 1, prompt.Length - plus - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int b))
            return (a, b);
        throw new ArgumentException($"'{prompt}' is not an {TaskName} prompt; expected digits '+' digits '=', e.g. \"17+58=\".", nameof(prompt));
    }

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;
}
