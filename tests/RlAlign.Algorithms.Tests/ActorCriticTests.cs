using RlAlign.Core.Spaces;
using RlAlign.Policies;
using RlAlign.Policies.Distributions;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests;

public sealed class ActorCriticTests
{
    private static readonly Box CartPoleObservations = new(-10f, 10f, [4]);

    [Test]
    public void TorchSharpLoadsAndRunsATensorOp()
    {
        using var scope = NewDisposeScope();
        Tensor product = ones(2, 3).matmul(full(3, 2, 2f));
        Assert.That(TensorAssert.ToArray(product), Is.EqualTo(new[] { 6f, 6f, 6f, 6f }));
    }

    [Test]
    public void OrthogonalInitUsesCleanRlGainsAndZeroBiases()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        using ActorCritic policy = ActorCritic.Create(CartPoleObservations, new Discrete(2), generator: generator);
        var parameters = policy.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

        Assert.That(parameters.Keys, Is.EquivalentTo(new[]
        {
            "critic.0.weight", "critic.0.bias", "critic.2.weight", "critic.2.bias", "critic.4.weight", "critic.4.bias",
            "actor.0.weight", "actor.0.bias", "actor.2.weight", "actor.2.bias", "actor.4.weight", "actor.4.bias",
        }));
        foreach (string network in new[] { "critic", "actor" })
        {
            AssertScaledOrthogonal(parameters[$"{network}.0.weight"], Math.Sqrt(2)); // 64 x 4
            AssertScaledOrthogonal(parameters[$"{network}.2.weight"], Math.Sqrt(2)); // 64 x 64
            foreach (int layer in new[] { 0, 2, 4 })
                Assert.That(TensorAssert.ToArray(parameters[$"{network}.{layer}.bias"]), Is.All.EqualTo(0f));
        }
        AssertScaledOrthogonal(parameters["actor.4.weight"], 0.01); // 2 x 64
        AssertScaledOrthogonal(parameters["critic.4.weight"], 1.0); // 1 x 64
    }

    [Test]
    public void GaussianHeadHasAStateIndependentLogStdStartingAtZero()
    {
        using var scope = NewDisposeScope();
        using ActorCritic policy = ActorCritic.Create(CartPoleObservations, new Box(-2f, 2f, [3]), new ActorCriticOptions { HiddenSizes = [32] });
        var parameters = policy.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

        Assert.That(parameters.Keys, Does.Contain("actor_logstd").And.Contain("actor_mean.2.weight"));
        Assert.That(parameters["actor_logstd"].shape, Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(TensorAssert.ToArray(parameters["actor_logstd"]), Is.All.EqualTo(0f));
        Assert.That(policy.IsContinuous, Is.True);
    }

    [Test]
    public void TheSameGeneratorSeedGivesTheSameWeights()
    {
        using var scope = NewDisposeScope();
        using var first = new Generator(3);
        using var second = new Generator(3);
        using var other = new Generator(4);
        using ActorCritic a = ActorCritic.Create(CartPoleObservations, new Discrete(2), generator: first);
        using ActorCritic b = ActorCritic.Create(CartPoleObservations, new Discrete(2), generator: second);
        using ActorCritic c = ActorCritic.Create(CartPoleObservations, new Discrete(2), generator: other);

        Assert.That(TensorAssert.ParameterBytes(a), Is.EqualTo(TensorAssert.ParameterBytes(b)));
        Assert.That(TensorAssert.ParameterBytes(a)["actor.0.weight"], Is.Not.EqualTo(TensorAssert.ParameterBytes(c)["actor.0.weight"]));
    }

    [Test]
    public void GaussianLogProbAndEntropyAreSummedOverDimensionsAsTheClosedForm()
    {
        using var scope = NewDisposeScope();
        double[] mean = [0.1, -0.2, 0.3], logStd = [0.5, -0.3, 0.0], action = [0.4, 0.1, -1.0];
        var distribution = new DiagonalGaussian(
            tensor(mean.Select(v => (float)v).ToArray()).reshape(1, 3),
            tensor(logStd.Select(v => (float)v).ToArray()));

        double expectedLogProb = 0, expectedEntropy = 0;
        for (int i = 0; i < 3; i++)
        {
            double std = Math.Exp(logStd[i]);
            expectedLogProb += -Math.Pow(action[i] - mean[i], 2) / (2 * std * std) - Math.Log(std) - 0.5 * Math.Log(2 * Math.PI);
            expectedEntropy += 0.5 + 0.5 * Math.Log(2 * Math.PI) + Math.Log(std);
        }

        Tensor logProb = distribution.LogProb(tensor(action.Select(v => (float)v).ToArray()).reshape(1, 3));
        Assert.That(logProb.shape, Is.EqualTo(new long[] { 1 }));
        Assert.That(logProb.item<float>(), Is.EqualTo(expectedLogProb).Within(1e-5));
        Assert.That(distribution.Entropy().item<float>(), Is.EqualTo(expectedEntropy).Within(1e-5));
        Assert.That(TensorAssert.ToArray(distribution.Mode()), Is.EqualTo(mean.Select(v => (float)v).ToArray()));
    }

    [Test]
    public void GaussianSamplesHaveTheRequestedMeanAndStd()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var distribution = new DiagonalGaussian(full(20000, 2, 1.5f), tensor(new[] { (float)Math.Log(0.5), 0f }));

        Tensor samples = distribution.Sample(generator);

        Assert.That(TensorAssert.ToArray(samples.mean([0])), Is.EqualTo(new[] { 1.5f, 1.5f }).Within(0.03));
        Assert.That(TensorAssert.ToArray(samples.std([0])), Is.EqualTo(new[] { 0.5f, 1f }).Within(0.03));
    }

    [Test]
    public void CategoricalLogProbEntropyAndModeMatchTheSoftmaxAndRespectTheSpaceStart()
    {
        using var scope = NewDisposeScope();
        float[] logits = [1f, 2f, 0.5f];
        double[] probabilities = Softmax(logits);
        var distribution = new Categorical(tensor(logits).reshape(1, 3), start: 5);

        Assert.That(distribution.LogProb(tensor(new[] { 6f }).reshape(1, 1)).item<float>(), Is.EqualTo(Math.Log(probabilities[1])).Within(1e-6));
        Assert.That(distribution.Entropy().item<float>(), Is.EqualTo(-probabilities.Sum(p => p * Math.Log(p))).Within(1e-6));
        Assert.That(distribution.Mode().item<float>(), Is.EqualTo(6f));
    }

    [Test]
    public void CategoricalSamplesFollowTheProbabilitiesAndAreReproducible()
    {
        using var scope = NewDisposeScope();
        float[] logits = [0f, (float)Math.Log(3)];
        var distribution = new Categorical(tensor(logits).reshape(1, 2).expand(20000, 2));
        using var first = new Generator(5);
        using var second = new Generator(5);

        float[] a = TensorAssert.ToArray(distribution.Sample(first));
        float[] b = TensorAssert.ToArray(distribution.Sample(second));

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.Average(), Is.EqualTo(0.75).Within(0.015), "P(action 1) = 3/4");
    }

    [Test]
    public void MultiDiscreteUsesIndependentCategoricalsWithSummedLogProbs()
    {
        using var scope = NewDisposeScope();
        float[] logits = [0.2f, -0.4f, 1f, 0f, 0.5f];
        var distribution = new MultiCategorical(tensor(logits).reshape(1, 5), [2, 3]);
        double[] first = Softmax(logits[..2]), second = Softmax(logits[2..]);

        double logProb = distribution.LogProb(tensor(new[] { 1f, 2f }).reshape(1, 2)).item<float>();
        double entropy = distribution.Entropy().item<float>();

        Assert.That(logProb, Is.EqualTo(Math.Log(first[1]) + Math.Log(second[2])).Within(1e-6));
        Assert.That(entropy, Is.EqualTo(-first.Sum(p => p * Math.Log(p)) - second.Sum(p => p * Math.Log(p))).Within(1e-6));
        Assert.That(TensorAssert.ToArray(distribution.Mode()), Is.EqualTo(new[] { 0f, 0f }));
    }

    [Test]
    public void GetActionAndValueReturnsCleanRlShapesAndKeepsAGivenAction()
    {
        using var scope = NewDisposeScope();
        using ActorCritic policy = ActorCritic.Create(CartPoleObservations, new MultiDiscrete([3, 4]));
        Tensor observations = randn(5, 4);
        using var generator = new Generator(1);

        ActionAndValue sampled = policy.GetActionAndValue(observations, generator: generator);
        ActionAndValue given = policy.GetActionAndValue(observations, sampled.Action);

        Assert.That(sampled.Action.shape, Is.EqualTo(new long[] { 5, 2 }));
        Assert.That(sampled.LogProb.shape, Is.EqualTo(new long[] { 5 }));
        Assert.That(sampled.Entropy.shape, Is.EqualTo(new long[] { 5 }));
        Assert.That(sampled.Value.shape, Is.EqualTo(new long[] { 5 }));
        Assert.That(TensorAssert.ToArray(given.LogProb), Is.EqualTo(TensorAssert.ToArray(sampled.LogProb)));
        Assert.That(TensorAssert.ToArray(policy.GetValue(observations)), Is.EqualTo(TensorAssert.ToArray(sampled.Value)));
    }

    [Test]
    public void DiscreteObservationsAreOneHotEncoded()
    {
        using var scope = NewDisposeScope();
        using ActorCritic policy = ActorCritic.Create(new Discrete(16), new Discrete(4));

        Tensor values = policy.GetValue(tensor(new[] { 0f, 15f, 3f }).reshape(3, 1));

        Assert.That(values.shape, Is.EqualTo(new long[] { 3 }));
        Assert.That(policy.DeterministicAction(tensor(new[] { 2f }).reshape(1, 1)).shape, Is.EqualTo(new long[] { 1, 1 }));
    }

    [Test]
    public void UnsupportedSpacesAndEmptyHiddenSizesAreRejectedClearly()
    {
        Assert.That(() => ActorCritic.Create(CartPoleObservations, new Text(4)), Throws.TypeOf<NotSupportedException>().With.Message.Contains("Text"));
        Assert.That(() => ActorCritic.Create(CartPoleObservations, new Discrete(2), new ActorCriticOptions { HiddenSizes = [] }),
            Throws.ArgumentException.With.Message.Contains("hidden layer"));
    }

    private static void AssertScaledOrthogonal(Tensor weight, double gain)
    {
        using var scope = NewDisposeScope();
        Tensor w = weight.detach();
        // Rows are orthonormal (times gain) when there are fewer rows than columns; otherwise the columns are.
        Tensor gram = w.shape[0] <= w.shape[1] ? w.matmul(w.t()) : w.t().matmul(w);
        Tensor expected = eye(gram.shape[0]) * (gain * gain);
        double error = (gram - expected).abs().max().item<float>();
        Assert.That(error, Is.LessThan(1e-5 * Math.Max(1, gain * gain)), $"{string.Join("x", weight.shape)} weight with gain {gain}");
    }

    private static double[] Softmax(float[] logits)
    {
        double max = logits.Max();
        double[] exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }
}
