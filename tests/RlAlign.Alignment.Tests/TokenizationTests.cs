using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tokenization;
using RlAlign.Policies.Language;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests;

public sealed class TokenizationTests
{
    // Ids: 'a'..'z' = 0..25, ' ' = 26, '.' = 27, then <|endoftext|> = 28 (EOS), <|im_start|> = 29, <|im_end|> = 30.
    private static readonly CharacterTokenizer Chars = new("abcdefghijklmnopqrstuvwxyz .");
    private const int Eos = 28;

    [Test]
    public void EosIsAppendedExactlyOnce()
    {
        Assert.That(Chars.EncodeCompletion("ab"), Is.EqualTo(new[] { 0, 1, Eos }));
        Assert.That(Chars.EncodeCompletion("ab<|endoftext|>"), Is.EqualTo(new[] { 0, 1, Eos }));
        var gpt2 = Gpt2Tokenizer.CreatePretrained();
        Assert.That(gpt2.EncodeCompletion(" world<|endoftext|>"), Is.EqualTo(new[] { 995, 50256 }));
        Assert.That(gpt2.EncodeCompletion(" world"), Is.EqualTo(new[] { 995, 50256 }));
    }

    [Test]
    public void PairTokenizesPromptAndCompletionsSeparately()
    {
        TokenizedPair pair = Chars.Tokenize(new PreferenceExample("ab", "c", "dd"));
        Assert.That(pair.PromptIds, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(pair.ChosenIds, Is.EqualTo(new[] { 2, Eos }));
        Assert.That(pair.RejectedIds, Is.EqualTo(new[] { 3, 3, Eos }));
    }

    [Test]
    public void MaxPromptLengthKeepsTheEndOfThePrompt()
    {
        TokenizedPair pair = Chars.Tokenize(new PreferenceExample("abcdef", "x", "y"), new TruncationOptions { MaxPromptLength = 2 });
        Assert.That(pair.PromptIds, Is.EqualTo(new[] { 4, 5 }));
        Assert.That(pair.ChosenIds, Is.EqualTo(new[] { 23, Eos }));
    }

    [Test]
    public void MaxLengthShortensThePromptBeforeTheCompletion()
    {
        // Longest completion "ghij" + EOS = 5 tokens; max_length 8 leaves 3 prompt tokens, the prompt's last three.
        TokenizedPair pair = Chars.Tokenize(new PreferenceExample("abcdef", "ghij", "k"), new TruncationOptions { MaxLength = 8 });
        Assert.That(pair.PromptIds, Is.EqualTo(new[] { 3, 4, 5 }));
        Assert.That(pair.ChosenIds, Is.EqualTo(new[] { 6, 7, 8, 9, Eos }));
        Assert.That(pair.RejectedIds, Is.EqualTo(new[] { 10, Eos }));
    }

    [Test]
    public void CompletionLosesItsEndOnlyWhenItCannotFitBesideOnePromptToken()
    {
        TokenizedPair pair = Chars.Tokenize(new PreferenceExample("abc", "defghij", "k"), new TruncationOptions { MaxLength = 4 });
        Assert.That(pair.PromptIds, Is.EqualTo(new[] { 2 }));
        Assert.That(pair.ChosenIds, Is.EqualTo(new[] { 3, 4, 5 }), "the completion keeps its start; its EOS is cut");
        Assert.That(pair.RejectedIds, Is.EqualTo(new[] { 10, Eos }));
    }

    [Test]
    public void LanguageModellingRowsTruncateTheirEnd()
    {
        TokenizedExample example = Chars.Tokenize(new SftExample("", "abcdef"), new TruncationOptions { MaxLength = 4 });
        Assert.That(example.PromptIds, Is.Empty);
        Assert.That(example.CompletionIds, Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    [Test]
    public void InvalidBudgetsAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Chars.Tokenize(new SftExample("a", "b"), new TruncationOptions { MaxLength = 1 }))!;
        Assert.That(error.Message, Does.Contain("max_length must be >= 2"));
    }

    [Test]
    public void PreferenceBatchPutsChosenRowsThenRejectedRowsWithCompletionMasks()
    {
        using var scope = NewDisposeScope();
        TokenizedPair[] pairs = [Chars.Tokenize(new PreferenceExample("ab", "c", "dd")), Chars.Tokenize(new PreferenceExample("e", "ff", "g"))];
        using SequenceBatch batch = Collation.Preferences(pairs, Chars.PadTokenId);

        Assert.That(Rows(batch.InputIds), Is.EqualTo(new[]
        {
            new long[] { 0, 1, 2, Eos, Eos }, [4, 5, 5, Eos, Eos], // chosen: "ab"+"c", "e"+"ff"; pad = EOS
            [0, 1, 3, 3, Eos], [4, 6, Eos, Eos, Eos],             // rejected
        }));
        Assert.That(Rows(batch.AttentionMask), Is.EqualTo(new[] { new long[] { 1, 1, 1, 1, 0 }, [1, 1, 1, 1, 0], [1, 1, 1, 1, 1], [1, 1, 1, 0, 0] }));
        Assert.That(Rows(batch.LossMask), Is.EqualTo(new[] { new long[] { 0, 0, 1, 1, 0 }, [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 1, 1, 0, 0] }));
    }

    [Test]
    public void PromptsAreLeftPadded()
    {
        using PromptBatch batch = Collation.Prompts([[1, 2, 3], [4]], padTokenId: 9);
        Assert.That(Rows(batch.InputIds), Is.EqualTo(new[] { new long[] { 1, 2, 3 }, [9, 9, 4] }));
        Assert.That(Rows(batch.AttentionMask), Is.EqualTo(new[] { new long[] { 1, 1, 1 }, [0, 0, 1] }));
    }

    [Test]
    public void BatchedCompletionLogProbsEqualThoseOfEachSequenceAlone()
    {
        using var scope = NewDisposeScope();
        using var model = Gpt2LMHeadModel.Create(new Gpt2Config { VocabSize = Chars.VocabSize, NPositions = 32, NEmbd = 16, NLayer = 2, NHead = 2, EosTokenId = Eos, BosTokenId = Eos, InitializerRange = 0.3 }, new TorchSharp.torch.Generator(4));
        TokenizedPair[] pairs = [Chars.Tokenize(new PreferenceExample("the sky is", " blue.", " green.")), Chars.Tokenize(new PreferenceExample("hi", " there", " you"))];
        using SequenceBatch batch = Collation.Preferences(pairs, Chars.PadTokenId);

        Tensor batched = SequenceLogProbs.Sum(model.Forward(batch.InputIds, batch.AttentionMask), batch.InputIds, batch.LossMask);

        var completions = pairs.Select(p => (p.PromptIds, p.ChosenIds)).Concat(pairs.Select(p => (p.PromptIds, p.RejectedIds))).ToArray();
        for (int row = 0; row < completions.Length; row++)
        {
            var (prompt, completion) = completions[row];
            Tensor ids = TestModels.Ids([[.. prompt.Select(i => (long)i), .. completion.Select(i => (long)i)]]);
            Tensor perToken = model.TokenLogProbs(ids);
            double expected = perToken[0].narrow(0, prompt.Length - 1, completion.Length).sum().item<float>();
            Assert.That(batched[row].item<float>(), Is.EqualTo(expected).Within(1e-4), $"row {row}");
        }
    }

    private static long[][] Rows(Tensor t)
    {
        long[] flat = t.data<long>().ToArray();
        int width = (int)t.shape[1];
        return Enumerable.Range(0, (int)t.shape[0]).Select(r => flat[(r * width)..((r + 1) * width)]).ToArray();
    }
}
