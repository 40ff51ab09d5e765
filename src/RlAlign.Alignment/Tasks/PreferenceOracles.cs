using RlAlign.Alignment.Data;
using RlAlign.Core.Random;

namespace RlAlign.Alignment.Tasks;

/// <summary>
/// Bradley–Terry preferences over a judge's scores: P(first ≻ second) = sigmoid((s1 - s2) / temperature). Temperature 0
/// is the noiseless limit: 1 when the first scores higher, 0 when lower, 0.5 on a tie. The judge can be anything that
/// scores a completion of a prompt (a task's reward, a heuristic, a reward model); the temperature is in its units.
/// </summary>
public class JudgePreferenceOracle : IPreferenceOracle
{
    private readonly Func<string, string, double> _judge;

    /// <param name="judge">Scores (prompt, completion); higher is better. It must return a finite number.</param>
    /// <param name="temperature">How noisy the preferences are, >= 0.</param>
    public JudgePreferenceOracle(Func<string, string, double> judge, double temperature)
    {
        ArgumentNullException.ThrowIfNull(judge);
        if (!(temperature >= 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The preference temperature must be a finite number >= 0 (0 = deterministic).");
        _judge = judge;
        Temperature = temperature;
    }

    public double Temperature { get; }

    public double PreferenceProbability(string prompt, string first, string second)
    {
        double margin = Judge(prompt, first) - Judge(prompt, second);
        if (Temperature == 0) return margin > 0 ? 1.0 : margin < 0 ? 0.0 : 0.5;
        return 1.0 / (1.0 + Math.Exp(-margin / Temperature));
    }

    private double Judge(string prompt, string completion)
    {
        double score = _judge(prompt, completion);
        if (!double.IsFinite(score)) throw new InvalidOperationException($"The judge scored the completion '{completion}' of '{prompt}' as {score}; scores must be finite.");
        return score;
    }
}

/// <summary>The usual synthetic oracle: Bradley–Terry preferences over a task's exact reward (in [0, 1]).</summary>
public sealed class BradleyTerryRewardOracle(IAlignmentTask task, double temperature) : JudgePreferenceOracle(task.Reward, temperature)
{
    public IAlignmentTask Task { get; } = task;
}

public static class PreferenceOracleExtensions
{
    /// <summary>
    /// A labelled pair: <paramref name="first"/> is chosen with the oracle's probability (one draw from
    /// <paramref name="random"/>), as a human labeller with Bradley–Terry noise would answer.
    /// </summary>
    public static PreferenceExample Label(this IPreferenceOracle oracle, string prompt, string first, string second, NumpyGenerator random)
    {
        double probability = oracle.PreferenceProbability(prompt, first, second);
        if (!(probability is >= 0 and <= 1)) throw new InvalidOperationException($"The oracle returned the preference probability {probability}, outside [0, 1].");
        return random.Random() < probability ? new PreferenceExample(prompt, first, second) : new PreferenceExample(prompt, second, first);
    }
}
