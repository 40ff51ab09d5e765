using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RlAlign.Core;

namespace RlAlign.Alignment.Tokenization;

/// <summary>
/// One token per character of a fixed alphabet, plus whole-string special tokens (by default
/// <c>&lt;|endoftext|&gt;</c> as EOS and ChatML's <c>&lt;|im_start|&gt;</c> and <c>&lt;|im_end|&gt;</c>). Ids: the
/// characters in alphabet order, then the special tokens. With a vocabulary of a few dozen tokens the output head is
/// tiny, so small models train on synthetic tasks in minutes on a CPU.
/// </summary>
public sealed class CharacterTokenizer : ITokenizer
{
    public const string FileName = "char_tokenizer.json";

    private static readonly string[] DefaultSpecialTokens = [Gpt2Tokenizer.EndOfText, ChatTemplate.ImStart, ChatTemplate.ImEnd];

    private readonly Dictionary<char, int> _ids = [];
    private readonly string[] _tokens;
    private readonly (string Token, int Id)[] _specialsLongestFirst;

    /// <param name="alphabet">The characters, each once, in id order.</param>
    /// <param name="specialTokens">Multi-character tokens matched whole before characters; null gives EOS and the ChatML markers.</param>
    /// <param name="eosToken">One of the special tokens; <c>&lt;|endoftext|&gt;</c> by default.</param>
    public CharacterTokenizer(string alphabet, IReadOnlyList<string>? specialTokens = null, string eosToken = Gpt2Tokenizer.EndOfText)
    {
        specialTokens ??= DefaultSpecialTokens;
        if (alphabet.Length == 0) throw new ArgumentException("The alphabet is empty.", nameof(alphabet));
        foreach (char c in alphabet)
        {
            if (!_ids.TryAdd(c, _ids.Count)) throw new ArgumentException($"The alphabet lists '{c}' twice.", nameof(alphabet));
        }
        if (specialTokens.Distinct().Count() != specialTokens.Count) throw new ArgumentException("A special token is listed twice.", nameof(specialTokens));
        if (specialTokens.Any(string.IsNullOrEmpty)) throw new ArgumentException("A special token is empty.", nameof(specialTokens));
        Alphabet = alphabet;
        SpecialTokenList = specialTokens.ToArray();
        _tokens = [.. alphabet.Select(c => c.ToString()), .. specialTokens];
        _specialsLongestFirst = specialTokens.Select((t, i) => (t, alphabet.Length + i)).OrderByDescending(s => s.t.Length).ToArray();
        int eos = Array.IndexOf(_tokens, eosToken, alphabet.Length) - alphabet.Length;
        if (eos < 0) throw new ArgumentException($"The EOS token '{eosToken}' is not among the special tokens [{string.Join(", ", specialTokens)}].", nameof(eosToken));
        EosToken = eosToken;
        EosTokenId = alphabet.Length + eos;
    }

    public string Alphabet { get; }

    public IReadOnlyList<string> SpecialTokenList { get; }

    public int VocabSize => _tokens.Length;

    public string EosToken { get; }

    public int EosTokenId { get; }

    public int PadTokenId => EosTokenId;

    public IReadOnlyList<int> Encode(string text)
    {
        var ids = new List<int>(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            int special = SpecialAt(text, i);
            if (special >= 0)
            {
                ids.Add(_specialsLongestFirst[special].Id);
                i += _specialsLongestFirst[special].Token.Length;
                continue;
            }
            if (!_ids.TryGetValue(text[i], out int id))
                throw new ArgumentException($"Character '{text[i]}' (U+{(int)text[i]:X4}) at index {i} is not in the tokenizer's alphabet \"{Alphabet}\".", nameof(text));
            ids.Add(id);
            i++;
        }
        return ids;
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var text = new StringBuilder();
        foreach (int id in ids)
        {
            if (id < 0 || id >= _tokens.Length) throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside the vocabulary [0, {_tokens.Length}).");
            if (skipSpecialTokens && id >= Alphabet.Length) continue;
            text.Append(_tokens[id]);
        }
        return text.ToString();
    }

    /// <summary>Writes <c>char_tokenizer.json</c> into <paramref name="folder"/> (atomically), e.g. beside a saved model.</summary>
    public void Save(string folder)
        => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(new Stored(Alphabet, SpecialTokenList.ToArray(), EosToken), JsonOptions));

    /// <summary>Reads the tokenizer that <see cref="Save"/> wrote into <paramref name="folder"/>.</summary>
    public static CharacterTokenizer Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' could not be read: {e.Message}", e);
        }
        if (stored?.Alphabet is null || stored.SpecialTokens is null || stored.EosToken is null)
            throw new InvalidDataException($"'{path}' needs the fields alphabet, special_tokens and eos_token.");
        return new CharacterTokenizer(stored.Alphabet, stored.SpecialTokens, stored.EosToken);
    }

    private int SpecialAt(string text, int index)
    {
        for (int s = 0; s < _specialsLongestFirst.Length; s++)
            if (string.CompareOrdinal(text, index, _specialsLongestFirst[s].Token, 0, _specialsLongestFirst[s].Token.Length) == 0) return s;
        return -1;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private sealed record Stored(
        [property: JsonPropertyName("alphabet")] string? Alphabet,
        [property: JsonPropertyName("special_tokens")] string[]? SpecialTokens,
        [property: JsonPropertyName("eos_token")] string? EosToken);
}
