using RlAlign.Core;
using RlAlign.Envs.MiniGrid;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests.Imitation;

[TestFixture]
public sealed class BabyAIPolicyTests
{
    private static readonly BabyAIPolicyOptions Small = new() { WordSize = 16, Channels = 8 };

    private static (IEnv Env, float[] Observations) TwoObservations(string envId, ulong seedA, ulong seedB)
    {
        IEnv env = Core.Envs.Make(envId);
        int size = env.ObservationSpace.FlatSize;
        var rows = new float[2 * size];
        env.Reset(rows.AsSpan(0, size), seedA);
        env.Reset(rows.AsSpan(size, size), seedB);
        return (env, rows);
    }

    private static Tensor Rows(float[] values, int size)
    {
        Tensor rows = empty([values.Length / size, size]);
        HostCopy.FromHost(values, rows);
        return rows;
    }

    [TestCase(MissionEncoder.Gru)]
    [TestCase(MissionEncoder.BagOfWords)]
    public void OutputsLogitsPerActionAndOneValuePerRow(MissionEncoder encoder)
    {
        using var scope = NewDisposeScope();
        (IEnv env, float[] values) = TwoObservations("BabyAI-GoToLocal-v0", 0, 1);
        using (env)
        {
            using var generator = new Generator(1);
            using var policy = new BabyAIPolicy(env.ObservationSpace, env.ActionSpace, Small with { MissionEncoder = encoder }, generator);
            PolicyOutput output = policy.forward(Rows(values, env.ObservationSpace.FlatSize));
            Assert.That(output.Logits.shape, Is.EqualTo(new long[] { 2, 7 }));
            Assert.That(output.Value.shape, Is.EqualTo(new long[] { 2 }));
            Assert.That(output.Logits.isfinite().all().item<bool>(), Is.True);
        }
    }

    /// <summary>The same image with another mission gives other logits: the mission reaches the output (through FiLM).</summary>
    [TestCase(MissionEncoder.Gru)]
    [TestCase(MissionEncoder.BagOfWords)]
    public void TheMissionChangesTheOutput(MissionEncoder encoder)
    {
        using var scope = NewDisposeScope();
        using IEnv env = Core.Envs.Make("BabyAI-GoToLocal-v0");
        using var generator = new Generator(2);
        using var policy = new BabyAIPolicy(env.ObservationSpace, env.ActionSpace, Small with { MissionEncoder = encoder }, generator);
        Tensor image = randint(0, 6, [1, 7, 7, 3], generator: generator).to(ScalarType.Float32).expand(2, -1, -1, -1);
        var tokens = new long[2 * 5];
        BabyAIVocabulary.Encode("go to the red ball", tokens.AsSpan(0, 5));
        BabyAIVocabulary.Encode("go to the blue key", tokens.AsSpan(5, 5));
        Tensor tokenTensor = tensor(tokens, [2, 5]).clone();
        PolicyOutput output = policy.Forward(image, tokenTensor);
        float difference = (output.Logits[0] - output.Logits[1]).abs().max().item<float>();
        Assert.That(difference, Is.GreaterThan(1e-5f));
    }

    /// <summary>Reading a flat observation (mission decoded and tokenized on the host) equals feeding its image and tokens.</summary>
    [Test]
    public void ReadsTheMissionAndImageFromFlatObservations()
    {
        using var scope = NewDisposeScope();
        (IEnv env, float[] values) = TwoObservations("BabyAI-GoToLocal-v0", 3, 4);
        using (env)
        {
            var level = (MiniGridEnv)env.Unwrapped;
            int size = env.ObservationSpace.FlatSize;
            using var generator = new Generator(3);
            using var policy = new BabyAIPolicy(env.ObservationSpace, env.ActionSpace, Small, generator);
            Tensor rows = Rows(values, size);
            Tensor tokens = policy.MissionTokens(rows);
            env.Reset(new float[size], 4);
            long[] expected = BabyAIVocabulary.Tokenize(level.Mission);
            Assert.That(tokens[1].narrow(0, 0, expected.Length).data<long>().ToArray(), Is.EqualTo(expected));

            Tensor images = rows.narrow(1, level.ImageOffset, 147).reshape(2, 7, 7, 3);
            Tensor direct = policy.Forward(images, tokens).Logits;
            Assert.That(policy.forward(rows).Logits.allclose(direct), Is.True);
        }
    }

    [Test]
    public void RefusesObservationsWithoutAMission()
    {
        using IEnv env = Core.Envs.Make("CartPole-v1");
        var error = Assert.Throws<ArgumentException>(() => new BabyAIPolicy(env.ObservationSpace, env.ActionSpace, Small))!;
        Assert.That(error.Message, Does.Contain("'mission' Text"));
    }
}
