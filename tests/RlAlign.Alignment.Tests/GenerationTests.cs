using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests;

public sealed class GenerationTests
{
    // Three prompts of different lengths, left-padded to 5 (token 0 pads; the mask says which are real).
    private static readonly long[][] PromptRows = [[0, 0, 3, 4, 5], [11, 12, 13, 14, 15], [0, 0, 0, 21, 22]];
    private static readonly long[][] MaskRows = [[0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [0, 0, 0, 1, 1]];

    [Test]
    public void CachedGreedyGenerationEqualsUncachedTokenForToken()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 3);
        var options = new GenerationOptions { MaxNewTokens = 12, IgnoreEos = true };

        using GenerationOutput cached = model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), options);
        using GenerationOutput uncached = model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), options with { UseCache = false });

        Assert.That(cached.CompletionIds.shape, Is.EqualTo(new long[] { 3, 12 }));
        Assert.That(ToArray(cached.CompletionIds), Is.EqualTo(ToArray(uncached.CompletionIds)));
        Assert.That(cached.CompletionMask.eq(1).all().item<bool>(), Is.True, "no EOS, every token is real");
    }

    [Test]
    public void BatchedLeftPaddedGenerationEqualsEachPromptAlone()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 3);
        var options = new GenerationOptions { MaxNewTokens = 10, IgnoreEos = true };
        using GenerationOutput batched = model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), options);

        for (int row = 0; row < PromptRows.Length; row++)
        {
            long[] prompt = PromptRows[row].Where((_, i) => MaskRows[row][i] == 1).ToArray();
            using GenerationOutput alone = model.Generate(TestModels.Ids([prompt]), null, options);
            Assert.That(ToArray(batched.CompletionIds)[row], Is.EqualTo(ToArray(alone.CompletionIds)[0]), $"prompt {row}");
        }
    }

    [Test]
    public void GreedyTokensAreTheArgmaxOfTheFullForward()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 9);
        long[] prompt = [1, 2, 3];
        using GenerationOutput output = model.Generate(TestModels.Ids([prompt]), null, new GenerationOptions { MaxNewTokens = 6, IgnoreEos = true });

        var sequence = prompt.ToList();
        foreach (long token in ToArray(output.CompletionIds)[0])
        {
            long expected = model.Forward(TestModels.Ids([sequence.ToArray()]))[0, -1].argmax().item<long>();
            Assert.That(token, Is.EqualTo(expected));
            sequence.Add(token);
        }
    }

    [Test]
    public void RowsStopAtEosAndThenEmitPad()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 3);
        var free = new GenerationOptions { MaxNewTokens = 12, IgnoreEos = true };
        long[][] reference = ToArray(model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), free).CompletionIds);
        // Call the token that row 0 emits at step 2 "EOS": row 0 must stop there; other rows stop where they first emit it.
        long eos = reference[0][2];
        const long pad = 37;

        using GenerationOutput output = model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), free with { IgnoreEos = false, EosTokenId = (int)eos, PadTokenId = (int)pad });

        long[][] ids = ToArray(output.CompletionIds), mask = ToArray(output.CompletionMask);
        int[] stops = reference.Select(row => Array.IndexOf(row, eos)).ToArray();
        int expectedSteps = stops.Any(s => s < 0) ? 12 : stops.Max() + 1;
        Assert.That(ids[0].Length, Is.EqualTo(expectedSteps), "generation ends once every row has finished");
        for (int row = 0; row < ids.Length; row++)
        {
            int stop = stops[row] < 0 ? int.MaxValue : stops[row];
            for (int step = 0; step < ids[row].Length; step++)
            {
                Assert.That(ids[row][step], Is.EqualTo(step <= stop ? reference[row][step] : pad), $"row {row}, step {step}");
                Assert.That(mask[row][step], Is.EqualTo(step <= stop ? 1 : 0), $"mask row {row}, step {step}");
            }
        }
    }

    [Test]
    public void SeededSamplingIsReproducibleAndSeedDependent()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 3);
        var options = new GenerationOptions { MaxNewTokens = 16, DoSample = true, Temperature = 1.5, IgnoreEos = true };
        long[][] Sample(ulong seed) => ToArray(model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), options, new Generator(seed)).CompletionIds);

        Assert.That(Sample(11), Is.EqualTo(Sample(11)));
        Assert.That(Sample(11), Is.Not.EqualTo(Sample(12)));
        long[][] uncached = ToArray(model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), options with { UseCache = false }, new Generator(11)).CompletionIds);
        Assert.That(uncached, Is.EqualTo(Sample(11)), "the cache does not change what is sampled");
    }

    [Test]
    public void TopKOneIsGreedy()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 3);
        var greedy = new GenerationOptions { MaxNewTokens = 8, IgnoreEos = true };
        long[][] expected = ToArray(model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), greedy).CompletionIds);
        long[][] sampled = ToArray(model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), greedy with { DoSample = true, TopK = 1, Temperature = 5 }, new Generator(1)).CompletionIds);
        Assert.That(sampled, Is.EqualTo(expected));
    }

    [Test]
    public void TopPKeepsOnlyTheNucleus()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 3);
        // A tiny top_p keeps only the most likely token: greedy again.
        var greedy = new GenerationOptions { MaxNewTokens = 8, IgnoreEos = true };
        long[][] expected = ToArray(model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), greedy).CompletionIds);
        long[][] sampled = ToArray(model.Generate(TestModels.Ids(PromptRows), TestModels.Ids(MaskRows), greedy with { DoSample = true, TopP = 1e-6 }, new Generator(1)).CompletionIds);
        Assert.That(sampled, Is.EqualTo(expected));

        // With top_p = 0.5 every sampled first token lies in the smallest set of most likely tokens reaching 0.5.
        Tensor probabilities = model.Forward(TestModels.Ids([[1, 2, 3]]))[0, -1].softmax(-1);
        (Tensor sorted, Tensor order) = probabilities.sort(descending: true);
        int nucleusSize = (int)(sorted.cumsum(0).lt(0.5).sum().item<long>() + 1);
        var nucleus = order.narrow(0, 0, nucleusSize).data<long>().ToHashSet();
        var seen = new HashSet<long>();
        Tensor prompts = TestModels.Ids(Enumerable.Repeat(new long[] { 1, 2, 3 }, 64).ToArray());
        foreach (long token in model.Generate(prompts, null, new GenerationOptions { MaxNewTokens = 1, DoSample = true, TopP = 0.5 }, new Generator(2)).CompletionIds.data<long>())
            seen.Add(token);
        Assert.That(seen.IsSubsetOf(nucleus), Is.True, $"sampled {string.Join(",", seen)} from nucleus {string.Join(",", nucleus)}");
        Assert.That(nucleusSize == 1 || seen.Count > 1, Is.True, "more than one token of the nucleus gets sampled");
    }

    [Test]
    public void InverseCdfSamplingDrawsEachTokenWithItsSoftmaxProbability()
    {
        using var scope = NewDisposeScope();
        // Two rows: one with a masked-out token (probability 0), one peaked; 40,000 draws each.
        float negInf = float.NegativeInfinity;
        Tensor logits = tensor(new float[] { 0f, 1f, negInf, 2f, -1f, 3f, 0f, 0f, 0f, 0f }, [2, 5]);
        Tensor expected = logits.softmax(-1);
        const int draws = 40_000;
        Tensor repeated = logits.repeat_interleave(draws, 0);
        Tensor tokens = TokenSampling.Sample(repeated, new Generator(11));
        for (int row = 0; row < 2; row++)
        {
            Tensor counts = bincount(tokens.narrow(0, row * draws, draws), minlength: 5).to(ScalarType.Float64) / draws;
            for (int token = 0; token < 5; token++)
            {
                double p = expected[row, token].item<float>();
                // Four standard errors of a binomial proportion (at least one draw's worth).
                double tolerance = Math.Max(4 * Math.Sqrt(p * (1 - p) / draws), 1.0 / draws);
                Assert.That(counts[token].item<double>(), Is.EqualTo(p).Within(tolerance), $"row {row}, token {token}");
            }
        }
        Assert.That(bincount(tokens.narrow(0, 0, draws), minlength: 5)[2].item<long>(), Is.EqualTo(0), "a token of probability 0 was drawn");
        Assert.That(TokenSampling.Sample(repeated, new Generator(11)).eq(tokens).all().item<bool>(), Is.True, "same generator seed, same tokens");
    }

    [Test]
    public void PromptPlusNewTokensBeyondThePositionEmbeddingIsRefused()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny();
        var error = Assert.Throws<ArgumentException>(() => model.Generate(TestModels.Ids(PromptRows), null, new GenerationOptions { MaxNewTokens = 28 }))!;
        Assert.That(error.Message, Does.Contain("prompt length 5").And.Contain("max_new_tokens 28").And.Contain("n_positions 32"));
    }

    [Test]
    public void GenerationLeavesNoTensorsBehind()
    {
        using var model = TestModels.Tiny(seed: 3);
        var options = new GenerationOptions { MaxNewTokens = 8, DoSample = true, TopK = 5, TopP = 0.9 };
        using var prompts = TestModels.Ids(PromptRows);
        using var mask = TestModels.Ids(MaskRows);
        using var generator = new Generator(1);
        model.Generate(prompts, mask, options, generator).Dispose();
        Settle();
        long before = Tensor.TotalCount;
        for (int i = 0; i < 5; i++) model.Generate(prompts, mask, options, generator).Dispose();
        Settle();
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
    }

    // Tensors that earlier tests dropped without disposing are finalised here, not during the measurement.
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static long[][] ToArray(Tensor ids)
    {
        long[] flat = ids.data<long>().ToArray();
        int width = (int)ids.shape[1];
        return Enumerable.Range(0, (int)ids.shape[0]).Select(r => flat.Skip(r * width).Take(width).ToArray()).ToArray();
    }
}
