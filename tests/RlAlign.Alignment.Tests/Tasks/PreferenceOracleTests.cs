using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tasks;
using RlAlign.Core.Random;

namespace RlAlign.Alignment.Tests.Tasks;

public sealed class PreferenceOracleTests
{
    private static readonly ArithmeticTask Task = new();

    [Test]
    public void BradleyTerryProbabilityIsTheSigmoidOfTheRewardMarginOverTemperature()
    {
        var oracle = new BradleyTerryRewardOracle(Task, temperature: 0.25);
        // Rewards 1 ("75") and 0.5 ("74"): margin 0.5, over 0.25 is 2.
        Assert.That(oracle.PreferenceProbability("17+58=", "75", "74"), Is.EqualTo(1 / (1 + Math.Exp(-2.0))).Within(1e-15));
        Assert.That(oracle.PreferenceProbability("17+58=", "74", "75"), Is.EqualTo(1 / (1 + Math.Exp(2.0))).Within(1e-15));
        Assert.That(oracle.PreferenceProbability("17+58=", "74", "5"), Is.EqualTo(0.5), "equal rewards");
    }

    [Test]
    public void TemperatureZeroIsDeterministic()
    {
        var oracle = new BradleyTerryRewardOracle(Task, temperature: 0);
        Assert.That(oracle.PreferenceProbability("17+58=", "75", "74"), Is.EqualTo(1.0));
        Assert.That(oracle.PreferenceProbability("17+58=", "", "74"), Is.EqualTo(0.0));
        Assert.That(oracle.PreferenceProbability("17+58=", "74", "76"), Is.EqualTo(0.5));
    }

    [Test]
    public void JudgeOracleUsesAnyScoringFunction()
    {
        var longer = new JudgePreferenceOracle((_, completion) => completion.Length, temperature: 1);
        Assert.That(longer.PreferenceProbability("p", "abc", "a"), Is.EqualTo(1 / (1 + Math.Exp(-2.0))).Within(1e-15));
        var broken = new JudgePreferenceOracle((_, _) => double.NaN, temperature: 1);
        var e = Assert.Throws<InvalidOperationException>(() => broken.PreferenceProbability("p", "a", "b"));
        Assert.That(e!.Message, Does.Contain("NaN"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new JudgePreferenceOracle((_, c) => c.Length, temperature: -1));
    }

    [Test]
    public void LabelsChooseTheFirstWithTheOracleProbability()
    {
        var oracle = new BradleyTerryRewardOracle(Task, temperature: 0.5);
        double probability = oracle.PreferenceProbability("17+58=", "75", "74");
        NumpyGenerator random = NumpyGenerator.FromSeed(5);
        const int draws = 20_000;
        int firstChosen = 0;
        for (int i = 0; i < draws; i++)
        {
            PreferenceExample pair = oracle.Label("17+58=", "75", "74", random);
            Assert.That(new[] { pair.Chosen, pair.Rejected }, Is.EquivalentTo(new[] { "75", "74" }));
            if (pair.Chosen == "75") firstChosen++;
        }
        double standardError = Math.Sqrt(probability * (1 - probability) / draws);
        Assert.That(firstChosen / (double)draws, Is.EqualTo(probability).Within(4 * standardError));

        var deterministic = new BradleyTerryRewardOracle(Task, temperature: 0);
        Assert.That(Enumerable.Range(0, 100).All(_ => deterministic.Label("17+58=", "74", "75", random).Chosen == "75"));
    }
}
