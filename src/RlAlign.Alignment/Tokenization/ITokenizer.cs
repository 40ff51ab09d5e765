namespace RlAlign.Alignment.Tokenization;

/// <summary>
/// Text to token ids and back, as the preference pipeline needs it. Special tokens written in the text (such as
/// <c>&lt;|endoftext|&gt;</c>) encode to their ids; nothing is added around the text (no BOS or EOS), as with Hugging Face's
/// <c>add_special_tokens=False</c>, which is how TRL tokenizes prompts and completions.
/// </summary>
public interface ITokenizer
{
    /// <summary>Every id this tokenizer produces is in [0, VocabSize).</summary>
    int VocabSize { get; }

    string EosToken { get; }

    int EosTokenId { get; }

    /// <summary>The id that pads batches; the EOS id where the vocabulary has no pad token (Hugging Face's practice for GPT-2).</summary>
    int PadTokenId { get; }

    IReadOnlyList<int> Encode(string text);

    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);
}
