using RlAlign.Alignment.Tokenization;

namespace RlAlign.Alignment.Tests;

public sealed class TokenizerTests
{
    private static readonly Gpt2Tokenizer Gpt2 = Gpt2Tokenizer.CreatePretrained();

    [TestCase("Hello world", new[] { 15496, 995 })]
    [TestCase(" Hello", new[] { 18435 })]
    [TestCase("The quick brown fox", new[] { 464, 2068, 7586, 21831 })]
    [TestCase("Hello world<|endoftext|>", new[] { 15496, 995, 50256 })]
    public void PretrainedGpt2GivesTheKnownIds(string text, int[] expected)
    {
        Assert.That(Gpt2.Encode(text), Is.EqualTo(expected));
        Assert.That(Gpt2.Decode(expected), Is.EqualTo(text));
    }

    [Test]
    public void PretrainedGpt2SpecialIds()
    {
        Assert.That((Gpt2.VocabSize, Gpt2.EosToken, Gpt2.EosTokenId, Gpt2.PadTokenId), Is.EqualTo((50257, "<|endoftext|>", 50256, 50256)));
        Assert.That(Gpt2.Decode([15496, 50256, 995], skipSpecialTokens: true), Is.EqualTo("Hello world"));
    }

    [Test]
    public void ExtraSpecialTokensExtendTheVocabulary()
    {
        var chat = Gpt2Tokenizer.CreatePretrained(new Dictionary<string, int> { [ChatTemplate.ImStart] = 50257, [ChatTemplate.ImEnd] = 50258 });
        Assert.That(chat.VocabSize, Is.EqualTo(50259));
        // "user" = 7220, "\n" = 198, "Hi" = 17250 in GPT-2's vocabulary.
        Assert.That(chat.Encode("<|im_start|>user\nHi<|im_end|>"), Is.EqualTo(new[] { 50257, 7220, 198, 17250, 50258 }));
        Assert.That(Gpt2.Encode("<|im_start|>"), Has.Count.GreaterThan(1), "without them the markers are ordinary text");
        Assert.Throws<ArgumentException>(() => Gpt2Tokenizer.CreatePretrained(new Dictionary<string, int> { ["<x>"] = 100 }));
    }

    [TestCase("hello world", new[] { 12, 16 })]
    [TestCase("world hello", new[] { 4, 14, 17, 7, 12 })]
    [TestCase("hello world!", new[] { 12, 16, 8 })]
    [TestCase("hello<|endoftext|>", new[] { 12, 18 })]
    [TestCase("<|im_start|>hello\n<|im_end|>", new[] { 20, 12, 19, 21 })]
    public void FolderVocabularyAndMergesGiveTheHandComputedIds(string text, int[] expected)
    {
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.FromFolder(TestData.Path("tiny-bpe"));
        Assert.That(tokenizer.Encode(text), Is.EqualTo(expected));
        Assert.That(tokenizer.Decode(expected), Is.EqualTo(text));
    }

    [Test]
    public void FolderTokenizerReadsSpecialTokensFromItsConfig()
    {
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.FromFolder(TestData.Path("tiny-bpe"));
        Assert.That((tokenizer.VocabSize, tokenizer.EosTokenId, tokenizer.PadTokenId), Is.EqualTo((22, 18, 18)));
        Assert.That(tokenizer.SpecialTokens.Keys, Is.EquivalentTo(new[] { "<|endoftext|>", "<|im_start|>", "<|im_end|>" }));
    }

    [Test]
    public void FolderWithoutMergesSaysSo()
    {
        using var folder = new TempFolder();
        File.Copy(TestData.Path("tiny-bpe", "vocab.json"), folder.File("vocab.json"));
        var error = Assert.Throws<FileNotFoundException>(() => Gpt2Tokenizer.FromFolder(folder.Path))!;
        Assert.That(error.Message, Does.Contain("has no merges.txt"));
    }

    [Test]
    public void CharacterTokenizerNumbersCharactersThenSpecialTokens()
    {
        var tokenizer = new CharacterTokenizer("ab c");
        Assert.That(tokenizer.VocabSize, Is.EqualTo(4 + 3));
        Assert.That((tokenizer.EosTokenId, tokenizer.PadTokenId), Is.EqualTo((4, 4)));
        Assert.That(tokenizer.Encode("<|im_start|>ab c<|im_end|><|endoftext|>"), Is.EqualTo(new[] { 5, 0, 1, 2, 3, 6, 4 }));
        Assert.That(tokenizer.Decode([5, 0, 1, 6, 4]), Is.EqualTo("<|im_start|>ab<|im_end|><|endoftext|>"));
        Assert.That(tokenizer.Decode([5, 0, 1, 6, 4], skipSpecialTokens: true), Is.EqualTo("ab"));
    }

    [Test]
    public void CharacterTokenizerNamesAnUnknownCharacter()
    {
        var tokenizer = new CharacterTokenizer("abc");
        var error = Assert.Throws<ArgumentException>(() => tokenizer.Encode("abZ"))!;
        Assert.That(error.Message, Does.Contain("'Z'").And.Contain("index 2"));
        Assert.Throws<ArgumentException>(() => _ = new CharacterTokenizer("aba"));
        Assert.Throws<ArgumentException>(() => _ = new CharacterTokenizer("ab", ["<s>"], eosToken: "</s>"));
    }

    [Test]
    public void CharacterTokenizerSavesAndLoads()
    {
        using var folder = new TempFolder();
        var tokenizer = new CharacterTokenizer("0123456789+=", ["<eos>", "<sep>"], eosToken: "<eos>");
        tokenizer.Save(folder.Path);
        CharacterTokenizer loaded = CharacterTokenizer.Load(folder.Path);
        Assert.That(loaded.Encode("12+3=15<eos>"), Is.EqualTo(tokenizer.Encode("12+3=15<eos>")));
        Assert.That((loaded.VocabSize, loaded.EosTokenId), Is.EqualTo((14, 12)));
    }
}

public sealed class ChatTemplateTests
{
    private static readonly ChatMessage[] Prompt = [new("system", "Be brief."), new("user", "Sky colour?")];

    [Test]
    public void ChatMlRendersEachMessageAndTheGenerationPrompt()
    {
        Assert.That(ChatTemplate.ChatMl.Render(Prompt),
            Is.EqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nSky colour?<|im_end|>\n"));
        Assert.That(ChatTemplate.ChatMl.RenderPrompt(Prompt),
            Is.EqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nSky colour?<|im_end|>\n<|im_start|>assistant\n"));
    }

    [Test]
    public void CompletionIsTheRenderedConversationAfterThePrompt()
    {
        string completion = ChatTemplate.ChatMl.RenderCompletion(Prompt, [new("assistant", "Blue.")]);
        Assert.That(completion, Is.EqualTo("Blue.<|im_end|>\n"));
    }

    [Test]
    public void PromptEndingWithTheAssistantIsContinued()
    {
        ChatMessage[] prompt = [new("user", "Count."), new("assistant", "1, 2,")];
        Assert.That(ChatTemplate.ChatMl.RenderPrompt(prompt), Is.EqualTo("<|im_start|>user\nCount.<|im_end|>\n<|im_start|>assistant\n1, 2,"));
    }

    [Test]
    public void PromptEndingWithASystemMessageIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatTemplate.ChatMl.RenderPrompt([new("system", "x")]))!;
        Assert.That(error.Message, Does.Contain("role 'system'"));
    }
}
