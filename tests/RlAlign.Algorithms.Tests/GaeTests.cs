namespace RlAlign.Algorithms.Tests;

public sealed class GaeTests
{
    [Test]
    public void LambdaOneGammaOneOnATerminatingEpisodeIsMonteCarloReturnMinusValue()
    {
        float[] rewards = [1f, 0.5f, -2f, 3f, 0.25f];
        float[] values = [0.3f, -1f, 2f, 0.7f, 1.5f];
        float[] dones = new float[5];
        var advantages = new float[5];
        var returns = new float[5];

        // The episode terminates at the last step (next_done = 1), so the bootstrap value must be ignored.
        Gae.Compute(rewards, values, dones, nextValues: [123f], nextDones: [1f], gamma: 1f, lambda: 1f, advantages, returns);

        for (int t = 0; t < 5; t++)
        {
            float monteCarlo = rewards.Skip(t).Sum();
            Assert.That(advantages[t], Is.EqualTo(monteCarlo - values[t]).Within(1e-5), $"advantage at t={t}");
            Assert.That(returns[t], Is.EqualTo(monteCarlo).Within(1e-5), $"return at t={t}");
        }
    }

    [Test]
    public void LambdaZeroIsTheOneStepTdErrorWithDoneMasksAcrossEnvs()
    {
        const int numEnvs = 2, numSteps = 4;
        const float gamma = 0.9f;
        // Step-major: index t * numEnvs + e. Env 1 starts a new episode at t = 2.
        float[] rewards = [1f, 2f, 0f, -1f, 0.5f, 3f, 2f, 1f];
        float[] values = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f];
        float[] dones = [0f, 0f, 0f, 0f, 0f, 1f, 0f, 0f];
        float[] nextValues = [0.9f, 1.0f];
        float[] nextDones = [0f, 1f];
        var advantages = new float[8];
        var returns = new float[8];

        Gae.Compute(rewards, values, dones, nextValues, nextDones, gamma, lambda: 0f, advantages, returns);

        for (int t = 0; t < numSteps; t++)
            for (int e = 0; e < numEnvs; e++)
            {
                int i = t * numEnvs + e;
                bool last = t == numSteps - 1;
                float nextValue = last ? nextValues[e] : values[i + numEnvs];
                float nonTerminal = 1 - (last ? nextDones[e] : dones[i + numEnvs]);
                float tdError = rewards[i] + gamma * nextValue * nonTerminal - values[i];
                Assert.That(advantages[i], Is.EqualTo(tdError).Within(1e-6), $"t={t}, env={e}");
                Assert.That(returns[i], Is.EqualTo(tdError + values[i]).Within(1e-6));
            }
    }

    [Test]
    public void GeneralLambdaMatchesTheDiscountedSumOfTdErrorsWithinAnEpisode()
    {
        float[] rewards = [1f, -1f, 2f];
        float[] values = [0.5f, 0.25f, -0.5f];
        const float gamma = 0.99f, lambda = 0.95f, nextValue = 0.75f;
        var advantages = new float[3];
        var returns = new float[3];

        Gae.Compute(rewards, values, new float[3], [nextValue], [0f], gamma, lambda, advantages, returns);

        float[] deltas =
        [
            rewards[0] + gamma * values[1] - values[0],
            rewards[1] + gamma * values[2] - values[1],
            rewards[2] + gamma * nextValue - values[2],
        ];
        float gl = gamma * lambda;
        Assert.That(advantages[0], Is.EqualTo(deltas[0] + gl * deltas[1] + gl * gl * deltas[2]).Within(1e-5));
        Assert.That(advantages[1], Is.EqualTo(deltas[1] + gl * deltas[2]).Within(1e-5));
        Assert.That(advantages[2], Is.EqualTo(deltas[2]).Within(1e-6));
    }

    [Test]
    public void TruncationBootstrapAddsDiscountedFinalValueOnlyWhenEnabled()
    {
        // One env; the episode is truncated at t = 1 (so s_2 starts a new episode), and V(s_final) = 5.
        float[] rewards = [1f, 1f, 1f];
        float[] values = [0f, 0f, 0f];
        float[] dones = [0f, 0f, 1f];
        float[] truncatedFinalValues = [0f, 5f, 0f];
        const float gamma = 0.5f;
        var withoutBootstrap = new float[3];
        var withBootstrap = new float[3];
        var returns = new float[3];

        Gae.Compute(rewards, values, dones, [0f], [0f], gamma, 0f, withoutBootstrap, returns, bootstrapOnTruncation: false, truncatedFinalValues);
        Gae.Compute(rewards, values, dones, [0f], [0f], gamma, 0f, withBootstrap, returns, bootstrapOnTruncation: true, truncatedFinalValues);

        Assert.That(withoutBootstrap[1], Is.EqualTo(1f), "CleanRL treats truncation as termination");
        Assert.That(withBootstrap[1], Is.EqualTo(1f + gamma * 5f), "r + gamma * V(s_final)");
        Assert.That(withBootstrap[0], Is.EqualTo(withoutBootstrap[0]));
        Assert.That(withBootstrap[2], Is.EqualTo(withoutBootstrap[2]));
    }

    [Test]
    public void RejectsMismatchedLengths()
    {
        var output = new float[4];
        Assert.Throws<ArgumentException>(() => Gae.Compute(new float[4], new float[3], new float[4], [0f], [0f], 0.9f, 0.9f, output, output));
        Assert.Throws<ArgumentException>(() => Gae.Compute(new float[4], new float[4], new float[4], [0f, 0f, 0f], [0f, 0f, 0f], 0.9f, 0.9f, output, output));
        Assert.Throws<ArgumentException>(() => Gae.Compute(new float[4], new float[4], new float[4], [0f], [0f], 0.9f, 0.9f, output, output, bootstrapOnTruncation: true));
    }
}
