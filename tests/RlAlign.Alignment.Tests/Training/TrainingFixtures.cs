using RlAlign.Algorithms;
using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tokenization;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests.Training;

/// <summary>A one-layer, width-16 GPT-2 over a five-character alphabet, and random text examples for it.</summary>
internal static class Tiny
{
    public static CharacterTokenizer Tokenizer { get; } = new("abcd ", [Gpt2Tokenizer.EndOfText]);

    public static Gpt2Config Config { get; } = new()
    {
        VocabSize = Tokenizer.VocabSize,
        NPositions = 32,
        NEmbd = 16,
        NLayer = 1,
        NHead = 2,
        BosTokenId = Tokenizer.EosTokenId,
        EosTokenId = Tokenizer.EosTokenId,
        InitializerRange = 0.3,
    };

    public static Gpt2LMHeadModel Model(ulong seed = 1) => Gpt2LMHeadModel.Create(Config, new Generator(seed));

    private static string Text(Random random, int minLength, int maxLength)
        => new([.. Enumerable.Range(0, random.Next(minLength, maxLength + 1)).Select(_ => "abcd "[random.Next(5)])]);

    public static PreferenceExample[] Pairs(int count, int seed = 7)
    {
        var random = new Random(seed);
        var pairs = new List<PreferenceExample>();
        while (pairs.Count < count)
        {
            var pair = new PreferenceExample(Text(random, 1, 5), Text(random, 1, 6), Text(random, 1, 6));
            if (pair.Chosen != pair.Rejected) pairs.Add(pair);
        }
        return [.. pairs];
    }

    public static SftExample[] Demonstrations(int count, int seed = 7)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new SftExample(Text(random, 1, 5), Text(random, 1, 6)))];
    }

    public static Tensor[] Gradients(Gpt2LMHeadModel model) => [.. model.parameters().Select(p => p.grad!.detach().clone())];

    public static Tensor[] Weights(Gpt2LMHeadModel model) => [.. model.parameters().Select(p => p.detach().clone())];

    public static void AssertClose(Tensor[] actual, Tensor[] expected, double rtol = 1e-5, double atol = 1e-7)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = (actual[i] - expected[i]).abs().max().item<float>();
            Assert.That(actual[i].allclose(expected[i], rtol, atol), Is.True, $"tensor {i} differs by up to {difference}");
        }
    }

    public static void AssertEqual(Tensor[] actual, Tensor[] expected)
    {
        for (int i = 0; i < actual.Length; i++) Assert.That(actual[i].eq(expected[i]).all().item<bool>(), Is.True, $"tensor {i} differs");
    }
}

internal sealed class RecordingSink : IMetricsSink
{
    public List<(string Name, double Value, long Step)> Records { get; } = [];

    public void Add(string name, double value, long step) => Records.Add((name, value, step));

    public double Value(string name, long step) => Records.Single(r => r.Name == name && r.Step == step).Value;

    public IEnumerable<string> NamesAt(long step) => Records.Where(r => r.Step == step).Select(r => r.Name);
}
